import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError } from '../cli-error.js';
import { ExitCode } from '../exit-codes.js';
import type { CommandContext } from '../io.js';
import { UsageError } from '../usage-error.js';

/** A fixed port, so the example commands stay the same from one run to the next. */
const DEV_IDP_DEFAULT_PORT = 9400;

interface DevIdpFacts {
  issuer: string;
  user: { login: string; password: string };
  clients: {
    native: { clientId: string };
    device: { clientId: string };
    confidentialWeb: { clientId: string; clientSecret: string };
    ci: { clientId: string; clientSecret: string };
    ciPost: { clientId: string; clientSecret: string };
    ciJwt: { clientId: string };
  };
}

/** What `dev-idp` prints: issuer, clients, user and commands to paste. Exported for tests. */
function renderDevIdpBanner(idp: DevIdpFacts, privateKeyPath: string): string {
  const { clients } = idp;
  const rows: Array<[string, string]> = [
    [clients.native.clientId, 'public; authorization code + PKCE in the browser'],
    [clients.device.clientId, 'public; device authorization grant (code on another device)'],
    [
      clients.confidentialWeb.clientId,
      `confidential; authorization code; secret ${clients.confidentialWeb.clientSecret}`,
    ],
    [clients.ci.clientId, `client credentials (client_secret_basic); secret ${clients.ci.clientSecret}`],
    [
      clients.ciPost.clientId,
      `client credentials (client_secret_post); secret ${clients.ciPost.clientSecret}`,
    ],
    [clients.ciJwt.clientId, `client credentials (private_key_jwt); key in ${privateKeyPath}`],
  ];
  const width = Math.max(...rows.map(([id]) => id.length));
  return [
    'oidcflow dev-idp: a test OpenID provider for trying oidcflow. Not for production.',
    '',
    `issuer:  ${idp.issuer}`,
    `user:    ${idp.user.login} / ${idp.user.password}`,
    '',
    'clients:',
    ...rows.map(([id, text]) => `  ${id.padEnd(width)}  ${text}`),
    '',
    'The secrets and the key above are throwaway test credentials, generated at this start and',
    'valid only at this IdP until it stops; that is why they may be printed.',
    '',
    'Try, in another terminal:',
    `  export OIDCFLOW_ISSUER=${idp.issuer}`,
    `  oidcflow login --client-id ${clients.native.clientId}`,
    `  oidcflow login --client-id ${clients.device.clientId} --flow device`,
    `  oidcflow token --client-id ${clients.native.clientId} --output json`,
    `  oidcflow status --client-id ${clients.native.clientId}`,
    `  oidcflow explain --client-id ${clients.native.clientId}`,
    `  OIDCFLOW_CLIENT_SECRET='${clients.ci.clientSecret}' oidcflow token --client-id ${clients.ci.clientId} --client-credentials`,
    `  oidcflow token --client-id ${clients.ciJwt.clientId} --client-credentials --private-key-path ${privateKeyPath}`,
    `  oidcflow logout --client-id ${clients.native.clientId}`,
    '',
    'Press Ctrl-C to stop.',
    '',
  ].join('\n');
}

function portTaken(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'EADDRINUSE';
}

/** The package that holds the embedded IdP: an optional peer, so `npm i -g @oidcflow/cli` pulls no IdP. */
const TEST_IDP_PACKAGE = '@oidcflow/test-idp';

function moduleMissing(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    String(message).includes(TEST_IDP_PACKAGE)
  );
}

async function loadTestIdp(): Promise<typeof import('@oidcflow/test-idp')> {
  try {
    return await import('@oidcflow/test-idp');
  } catch (error) {
    if (!moduleMissing(error)) throw error;
    throw new CliError(
      `oidcflow dev-idp needs the package ${TEST_IDP_PACKAGE}, which is not installed: the CLI leaves the ` +
        `test IdP (oidc-provider) out so that it installs lean. Install it beside the CLI ` +
        `(npm install -g ${TEST_IDP_PACKAGE}, or npm install ${TEST_IDP_PACKAGE} in a project) and run dev-idp again.`,
      ExitCode.CONFIGURATION,
      { cause: error },
    );
  }
}

/**
 * `oidcflow dev-idp`: the embedded test IdP on 127.0.0.1 until Ctrl-C, which ends it normally
 * (exit 0). @oidcflow/test-idp and oidc-provider load only here.
 */
export async function runDevIdp(context: CommandContext): Promise<number> {
  const port = context.settings.port ?? DEV_IDP_DEFAULT_PORT;
  if (port > 65_535)
    throw new UsageError(`--port ${port} is not a port: use 1 to 65535, or 0 to let the OS choose.`);
  const { startTestIdp } = await loadTestIdp();
  let idp: Awaited<ReturnType<typeof startTestIdp>>;
  try {
    idp = await startTestIdp({ port });
  } catch (error) {
    if (portTaken(error)) {
      throw new CliError(
        `port ${port} on 127.0.0.1 is in use (another dev-idp?); stop that program, or pass --port 0 to let the OS choose one.`,
        ExitCode.CONFIGURATION,
        error,
      );
    }
    throw error;
  }
  const keyDirectory = await mkdtemp(join(tmpdir(), 'oidcflow-dev-idp-'));
  try {
    const privateKeyPath = join(keyDirectory, 'ci-jwt-key.pem');
    await writeFile(privateKeyPath, idp.clients.ciJwt.signingKey.privateKeyPem, { mode: 0o600 });
    context.stdout.write(renderDevIdpBanner(idp, privateKeyPath));
    await context.interrupted;
    context.stderr.write('Stopping the test IdP.\n');
    return ExitCode.OK;
  } finally {
    await idp.stop();
    await rm(keyDirectory, { recursive: true, force: true });
  }
}
