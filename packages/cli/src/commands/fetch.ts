import { ExitCode } from '../exit-codes.js';
import type { CommandContext, OutputStream } from '../io.js';
import { createAuth } from '../settings/create-auth.js';
import { UsageError } from '../usage-error.js';

/** Largest request body read from stdin: an API call, not an upload tool. */
const MAX_STDIN_BODY_BYTES = 16 * 1024 * 1024;

async function readBody(stdin: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array);
    size += buffer.length;
    if (size > MAX_STDIN_BODY_BYTES) throw new UsageError('the request body on stdin is larger than 16 MiB.');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Passes the answer's bytes to stdout as they come, exactly (no decoding: an image or a tarball
 * comes out unchanged), waiting for stdout to drain so that memory stays bounded whatever the
 * size. A deadline that fires meanwhile (`FETCH_TIMEOUT`) ends the reading with its error.
 */
async function passOn(body: ReadableStream<Uint8Array> | null, stdout: OutputStream): Promise<void> {
  if (!body) return;
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    if (stdout.write(chunk) === false && stdout.once) {
      await new Promise<void>((resolve) => stdout.once?.('drain', resolve));
    }
  }
}

/**
 * `oidcflow fetch URL`: one API request through core's `auth.fetch`, for shell scripts that
 * need what a bare header cannot give (a DPoP proof per request, a refresh and retry on 401).
 * The response body is streamed to stdout byte for byte; the status line goes to stderr when
 * it is not 2xx (exit 9). The whole exchange has a deadline (`--fetch-timeout-seconds`), and
 * `--allowed-origin` says where the token may go.
 */
export async function runFetch(context: CommandContext): Promise<number> {
  const url = context.operands[0];
  if (!url) throw new UsageError('give the URL to fetch as the last argument: oidcflow fetch [options] URL');
  const { settings } = context;
  if (settings.dataStdin && settings.clientSecretStdin) {
    throw new UsageError(
      '--data-stdin and --client-secret-stdin cannot both read stdin; use OIDCFLOW_CLIENT_SECRET or --client-secret-file.',
    );
  }
  const body = settings.dataStdin ? await readBody(context.stdin) : undefined;
  const method = (settings.method ?? (body ? 'POST' : 'GET')).toUpperCase();
  const headers: Record<string, string> = {};
  if (settings.contentType) headers['content-type'] = settings.contentType;
  const { auth } = await createAuth(context);
  const response = await auth.fetch(url, {
    method,
    headers,
    ...(body ? { body: new Uint8Array(body) } : {}),
    signal: context.signal,
  });
  await passOn(response.body, context.stdout);
  if (response.ok) return ExitCode.OK;
  context.stderr.write(`oidcflow: ${method} ${new URL(url).origin} answered HTTP ${response.status}\n`);
  return ExitCode.HTTP_ERROR;
}
