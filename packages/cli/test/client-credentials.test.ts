// The built `oidcflow` binary against the embedded IdP, as a CI job would use it: client
// credentials with the secret in OIDCFLOW_CLIENT_SECRET, no TTY, stdin ignored.
import { readdir } from 'node:fs/promises';
import { startTestIdp, type TestIdp } from '@oidcflow/test-idp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assertBuilt, CliSandbox } from './support/cli-process.js';

let idp: TestIdp;
let sandbox: CliSandbox;

beforeAll(async () => {
  assertBuilt();
  idp = await startTestIdp();
});
afterAll(async () => {
  await idp.stop();
});
beforeEach(async () => {
  sandbox = await CliSandbox.create();
});
afterEach(async () => {
  await sandbox.dispose();
});

function ci(extra: string[] = []): string[] {
  return [
    '--issuer',
    idp.issuer,
    '--client-id',
    idp.clients.ci.clientId,
    '--client-credentials',
    '--cache-path',
    sandbox.cachePath,
    ...extra,
  ];
}

const secretEnv = () => ({ OIDCFLOW_CLIENT_SECRET: idp.clients.ci.clientSecret });

function tokenRequests(): number {
  return idp.requests.count({ path: '/token', clientId: idp.clients.ci.clientId });
}

describe('oidcflow token (client credentials)', () => {
  it('prints the access token alone on stdout, and nothing on stderr', async () => {
    const result = await sandbox.run(['token', ...ci()], secretEnv());
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^[\w.~+/=-]+\n$/);
    // The token works: the IdP knows it (introspection by the same client).
    const token = result.stdout.trim();
    const introspection = await fetch(`${idp.issuer}/token/introspection`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${idp.clients.ci.clientId}:${idp.clients.ci.clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token }),
    });
    expect(((await introspection.json()) as { active: boolean }).active).toBe(true);
  });

  it('answers the second call from the cache, with the same token and no request', async () => {
    const first = await sandbox.run(['token', ...ci()], secretEnv());
    const before = tokenRequests();
    const second = await sandbox.run(['token', ...ci()], {});
    expect(second.code).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    expect(tokenRequests()).toBe(before);
  });

  it('an HTTP 500 with a JSON OAuth error: the IdP error code and description on stderr, at once', async () => {
    idp.script.tokenResponses(
      [{ status: 500, body: { error: 'server_error', error_description: 'user not found' } }],
      { clientId: idp.clients.ci.clientId },
    );
    const started = performance.now();
    const result = await sandbox.run(['token', ...ci()], secretEnv());
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(result.code).toBe(8);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('server_error: user not found');
    expect(result.stderr).not.toContain('instead of an OAuth response');
    expect(idp.script.pending()).toBe(0);
  });

  it('--output json: expiry, type and token, no refresh token unless asked', async () => {
    const result = await sandbox.run(['token', ...ci(['--output', 'json'])], secretEnv());
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(Object.keys(json).sort()).toEqual(['access_token', 'expires_at', 'expires_in', 'token_type']);
    expect(json.token_type).toBe('Bearer');
    expect(typeof json.access_token).toBe('string');
    expect(json.expires_in).toBeGreaterThan(3000);
    expect(json.expires_in).toBeLessThanOrEqual(3600);
    expect(Date.parse(json.expires_at as string)).toBeGreaterThan(Date.now());
    expect(json).not.toHaveProperty('refresh_token');
  });

  it('--output header: one Authorization line', async () => {
    const token = (await sandbox.run(['token', ...ci()], secretEnv())).stdout.trim();
    const result = await sandbox.run(['token', ...ci(['-o', 'header'])], {});
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`Authorization: Bearer ${token}\n`);
  });

  it('--output exec-credential: a kubectl ExecCredential v1', async () => {
    const result = await sandbox.run(['token', ...ci(['--output', 'exec-credential'])], secretEnv());
    expect(result.code).toBe(0);
    const credential = JSON.parse(result.stdout) as {
      apiVersion: string;
      kind: string;
      status: { token: string; expirationTimestamp: string };
    };
    expect(credential.apiVersion).toBe('client.authentication.k8s.io/v1');
    expect(credential.kind).toBe('ExecCredential');
    expect(credential.status.token.length).toBeGreaterThan(10);
    // RFC 3339, as client-go parses it.
    expect(credential.status.expirationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Date.parse(credential.status.expirationTimestamp)).toBeGreaterThan(Date.now());
  });

  it('reads the secret from --client-secret-file and never echoes it', async () => {
    const { writeFile } = await import('node:fs/promises');
    const file = `${sandbox.home}/secret`;
    await writeFile(file, `${idp.clients.ci.clientSecret}\n`, { mode: 0o600 });
    const result = await sandbox.run(['token', ...ci(['--client-secret-file', file])], {});
    expect(result.code).toBe(0);
    expect(result.stdout.trim().length).toBeGreaterThan(10);
  });

  it('a wrong secret: the IdP error with its exit code, and the secret appears nowhere', async () => {
    const wrong = 'test-wrong-secret-0123456789abcdef';
    const result = await sandbox.run(['token', ...ci()], { OIDCFLOW_CLIENT_SECRET: wrong });
    expect(result.code).toBe(8);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^oidcflow: .*invalid_client|^oidcflow: /);
    expect(result.stderr).not.toContain(wrong);
  });

  it('refuses --client-secret on the command line, without echoing the value', async () => {
    const result = await sandbox.run(['token', ...ci(['--client-secret=hunter2-not-real'])], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('OIDCFLOW_CLIENT_SECRET');
    expect(result.stderr).not.toContain('hunter2-not-real');
  });
});

describe('oidcflow login (client credentials)', () => {
  it('runs a new grant even with a token cached, and names the client on stderr', async () => {
    const first = (await sandbox.run(['token', ...ci()], secretEnv())).stdout.trim();
    const before = tokenRequests();
    const result = await sandbox.run(['login', ...ci()], secretEnv());
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^Logged in as client oidcflow-ci with the client_credentials flow\.\nThe access token expires \d{4}-\S+ \(in (59|60) min\)\.\n$/,
    );
    expect(tokenRequests()).toBe(before + 1);
    expect((await sandbox.run(['token', ...ci()], {})).stdout.trim()).not.toBe(first);
  });
});

describe('oidcflow status, explain, logout', () => {
  it('status: not logged in → exit 3; after token → exit 0 with expiry, flow and file, never a token', async () => {
    const before = await sandbox.run(['status', ...ci()], {});
    expect(before.code).toBe(3);
    expect(before.stdout).toContain('Not logged in');

    const token = (
      await sandbox.run(['token', ...ci(['-o', 'json', '--include-refresh-token'])], secretEnv())
    ).stdout;
    const accessToken = (JSON.parse(token) as { access_token: string }).access_token;
    const text = await sandbox.run(['status', ...ci()], {});
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/flow:\s+client_credentials/);
    expect(text.stdout).toMatch(/access token:\s+valid; expires \d{4}-/);
    const [file] = await readdir(sandbox.cachePath);
    expect(text.stdout).toContain(`${sandbox.cachePath}/${file}`);
    expect(text.stdout + text.stderr).not.toContain(accessToken);

    const json = await sandbox.run(['status', ...ci(['--output', 'json'])], {});
    const report = JSON.parse(json.stdout) as { loggedIn: boolean; entries: Array<Record<string, unknown>> };
    expect(report.loggedIn).toBe(true);
    expect(report.entries).toHaveLength(1);
    expect(report.entries[0]).toMatchObject({ family: 'client', flow: 'client_credentials', valid: true });
    expect(json.stdout).not.toContain(accessToken);
  });

  it('status: an expired token without a refresh token is "not logged in" (exit 3)', async () => {
    const shortLived = await startTestIdp({ lifetimes: { accessToken: 2 } });
    try {
      const args = [
        '--issuer',
        shortLived.issuer,
        '--client-id',
        shortLived.clients.ci.clientId,
        '--client-credentials',
        '--cache-path',
        sandbox.cachePath,
      ];
      const token = await sandbox.run(['token', ...args], {
        OIDCFLOW_CLIENT_SECRET: shortLived.clients.ci.clientSecret,
      });
      expect(token.code).toBe(0);
      // Usable until half its 2 s lifetime is left (core's skew for short-lived tokens).
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const status = await sandbox.run(['status', ...args, '--output', 'json']);
      expect(status.code).toBe(3);
      const report = JSON.parse(status.stdout) as { loggedIn: boolean; entries: Array<{ valid: boolean }> };
      expect(report).toMatchObject({ loggedIn: false, entries: [{ valid: false }] });
      const text = await sandbox.run(['status', ...args]);
      expect(text.stdout).toMatch(
        /access token:\s+(about to expire|expired), a login is needed; expires \d{4}-/,
      );
    } finally {
      await shortLived.stop();
    }
  });

  it('status without --client-credentials still finds the client entry of these settings', async () => {
    await sandbox.run(['token', ...ci()], secretEnv());
    const settings = [
      '--issuer',
      idp.issuer,
      '--client-id',
      idp.clients.ci.clientId,
      '--cache-path',
      sandbox.cachePath,
    ];
    const result = await sandbox.run(['status', ...settings], {});
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('client_credentials');
  });

  it('explain: every flow with a reason, in text and JSON', async () => {
    const text = await sandbox.run(['explain', ...ci()], secretEnv());
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/chosen:\s+client_credentials/);
    for (const flow of ['auth_code', 'device', 'client_credentials']) expect(text.stdout).toContain(flow);

    const json = await sandbox.run(['explain', ...ci(['-o', 'json'])], secretEnv());
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as {
      chosen: string;
      flows: Array<{ name: string; chosen: boolean; reason: string }>;
    };
    expect(report.chosen).toBe('client_credentials');
    expect(report.flows.map((flow) => flow.name).sort()).toEqual([
      'auth_code',
      'client_credentials',
      'device',
    ]);
    for (const flow of report.flows) expect(flow.reason.length).toBeGreaterThan(0);
  });

  it('explain without a secret says the grant would fail, with the configuration exit code', async () => {
    const result = await sandbox.run(['explain', ...ci()], {});
    expect(result.code).toBe(7);
    expect(result.stdout).toMatch(/problem:.*needs the secret of client "oidcflow-ci"/);
  });

  it('explain for a user client names the flow auto picks without a browser, and why', async () => {
    const result = await sandbox.run(
      ['explain', '--issuer', idp.issuer, '--client-id', idp.clients.native.clientId, '-o', 'json'],
      { OIDCFLOW_CACHE_PATH: sandbox.cachePath, CI: 'true' },
    );
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as {
      chosen: string;
      environment: { browserAvailable: boolean };
    };
    expect(report.environment.browserAvailable).toBe(false);
    expect(report.chosen).toBe('device');
  });

  it('logout removes the entry (and revokes the token), then status says not logged in', async () => {
    const token = (await sandbox.run(['token', ...ci()], secretEnv())).stdout.trim();
    const result = await sandbox.run(['logout', ...ci()], secretEnv());
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('Logged out');
    expect(result.stderr).toContain('revoked');
    expect(result.stderr).not.toContain(token);
    expect((await sandbox.run(['status', ...ci()], {})).code).toBe(3);
    const again = await sandbox.run(['logout', ...ci()], secretEnv());
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('Nothing to log out');
  });

  it("a revocation answered 401 invalid_client: logout warns with the IdP's code and description", async () => {
    const token = (await sandbox.run(['token', ...ci()], secretEnv())).stdout.trim();
    idp.script.tokenResponses(
      [
        {
          status: 401,
          body: { error: 'invalid_client', error_description: 'client is not allowed to revoke' },
        },
      ],
      { path: '/token/revocation' },
    );
    const result = await sandbox.run(['logout', ...ci()], secretEnv());
    expect(idp.script.pending()).toBe(0);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('invalid_client: client is not allowed to revoke');
    expect(result.stderr).not.toContain(token);
  });
});

describe('settings from the environment', () => {
  it('takes every setting from OIDCFLOW_* variables', async () => {
    const result = await sandbox.run(['token', '--output', 'json'], {
      OIDCFLOW_ISSUER: idp.issuer,
      OIDCFLOW_CLIENT_ID: idp.clients.ciPost.clientId,
      OIDCFLOW_FLOW: 'client_credentials',
      OIDCFLOW_CACHE_PATH: sandbox.cachePath,
      OIDCFLOW_SCOPES: 'api:read',
      OIDCFLOW_AUDIENCE: 'https://api.example.test',
      OIDCFLOW_CLIENT_SECRET: idp.clients.ciPost.clientSecret,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as { access_token: string; scope?: string };
    expect(json.scope).toBe('api:read');
    // Client, scope and audience reached the IdP from the environment alone.
    const [request] = idp.requests.list({ path: '/token', clientId: idp.clients.ciPost.clientId });
    expect(request?.parameters).toMatchObject({ scope: 'api:read', audience: 'https://api.example.test' });
  });

  it('a flag wins over its environment variable', async () => {
    const result = await sandbox.run(['token', ...ci()], {
      ...secretEnv(),
      OIDCFLOW_ISSUER: 'http://127.0.0.1:1',
      OIDCFLOW_CLIENT_ID: 'someone-else',
    });
    expect(result.code).toBe(0);
  });
});
