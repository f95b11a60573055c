import { readFile } from 'node:fs/promises';
import type { CliSettings } from '../options/option-table.js';
import { UsageError } from '../usage-error.js';

/** Where the secret came from, for messages; never the secret itself. */
export type SecretOrigin = '--client-secret-file' | '--client-secret-stdin' | 'OIDCFLOW_CLIENT_SECRET';

export interface ClientSecret {
  value: string;
  origin: SecretOrigin;
}

// A secret file or pipe usually ends with a newline that is not part of the secret.
function withoutTrailingNewline(text: string): string {
  return text.replace(/\r?\n$/, '');
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The client secret, from (in this order) `--client-secret-file`, `--client-secret-stdin`, or
 * `OIDCFLOW_CLIENT_SECRET`. Never from a flag value: argv is visible to every user of the
 * machine (`ps`) and lands in shell history.
 */
export async function readClientSecret(
  settings: CliSettings,
  env: NodeJS.ProcessEnv,
  stdin: NodeJS.ReadableStream & { isTTY?: boolean },
): Promise<ClientSecret | undefined> {
  if (settings.clientSecretFile) {
    let text: string;
    try {
      text = await readFile(settings.clientSecretFile, 'utf8');
    } catch (error) {
      throw new UsageError(
        `--client-secret-file ${settings.clientSecretFile} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}); give the path of a file that holds only the secret.`,
      );
    }
    const value = withoutTrailingNewline(text);
    if (value === '') throw new UsageError(`--client-secret-file ${settings.clientSecretFile} is empty.`);
    return { value, origin: '--client-secret-file' };
  }
  if (settings.clientSecretStdin) {
    if (stdin.isTTY) {
      throw new UsageError(
        '--client-secret-stdin reads a pipe, not the terminal: run e.g. `vault read … | oidcflow token --client-secret-stdin`.',
      );
    }
    const value = withoutTrailingNewline(await readAll(stdin));
    if (value === '') throw new UsageError('--client-secret-stdin got nothing on standard input.');
    return { value, origin: '--client-secret-stdin' };
  }
  if (env.OIDCFLOW_CLIENT_SECRET)
    return { value: env.OIDCFLOW_CLIENT_SECRET, origin: 'OIDCFLOW_CLIENT_SECRET' };
  return undefined;
}
