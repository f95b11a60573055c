// `oidcflow dev-idp` as a user runs it: start, copy what it prints, use it, Ctrl-C.
import { existsSync } from 'node:fs';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assertBuilt, CliSandbox, closedPort } from './support/cli-process.js';

let sandbox: CliSandbox;

beforeAll(() => assertBuilt());
beforeEach(async () => {
  sandbox = await CliSandbox.create();
});
afterEach(async () => {
  await sandbox.dispose();
});

describe('oidcflow dev-idp', () => {
  it('prints issuer, clients and commands that work as printed, and stops cleanly on Ctrl-C', async () => {
    const server = sandbox.start(['dev-idp', '--port', '0'], {}, 60_000);
    await server.waitForStdout(/Press Ctrl-C to stop\./);
    const banner = server.stdout();
    const issuer = banner.match(/^issuer:\s+(http:\/\/127\.0\.0\.1:\d+)$/m)?.[1];
    expect(issuer).toBeDefined();
    expect(banner).toMatch(/throwaway test credentials/);
    for (const client of ['oidcflow-native', 'oidcflow-device', 'oidcflow-ci', 'oidcflow-ci-jwt']) {
      expect(banner).toContain(client);
    }

    // The client credentials example, with the secret it printed.
    const secretLine = banner.match(/OIDCFLOW_CLIENT_SECRET='([^']+)' oidcflow (token .*)$/m);
    expect(secretLine).not.toBeNull();
    const args = secretLine![2]!.split(' ');
    const token = await sandbox.run([...args, '--cache-path', sandbox.cachePath], {
      OIDCFLOW_ISSUER: issuer,
      OIDCFLOW_CLIENT_SECRET: secretLine![1],
    });
    expect(token.stderr).toBe('');
    expect(token.code).toBe(0);
    expect(token.stdout.trim().length).toBeGreaterThan(10);

    // The private_key_jwt example, with the key file it wrote.
    const jwtLine = banner.match(/^\s+oidcflow (token --client-id oidcflow-ci-jwt .*)$/m);
    const keyPath = jwtLine![1]!.match(/--private-key-path (\S+)/)![1]!;
    const jwtToken = await sandbox.run([...jwtLine![1]!.split(' '), '--cache-path', sandbox.cachePath], {
      OIDCFLOW_ISSUER: issuer,
    });
    expect(jwtToken.code).toBe(0);

    server.child.kill('SIGINT');
    const result = await server.done;
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('Stopping the test IdP');
    expect(existsSync(keyPath)).toBe(false);
    await expect(fetch(`${issuer}/.well-known/openid-configuration`)).rejects.toThrow();
  });

  it('a port that is taken: a clear message and the configuration exit code', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const result = await sandbox.run(['dev-idp', '--port', String(port)]);
      expect(result.code).toBe(7);
      expect(result.stderr).toContain(`port ${port} on 127.0.0.1 is in use`);
      expect(result.stderr).toContain('--port 0');
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});

describe('usage errors and an unreachable IdP (no IdP needed)', () => {
  it('unknown command → 2, with the list of commands', async () => {
    const result = await sandbox.run(['tokne']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('unknown command "tokne"');
    expect(result.stderr).toContain(
      'login, token, logout, status, explain, git-credential, fetch, accounts, profile, whoami, completion, dev-idp',
    );
  });

  it('unknown flag → 2, pointing at the command help', async () => {
    const result = await sandbox.run(['token', '--isuer', 'https://idp.example.test']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Unknown option '--isuer'");
    expect(result.stderr).toContain('oidcflow token --help');
  });

  it('a malformed value → 2', async () => {
    const result = await sandbox.run(['token', '--callback-port', 'eighty']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--callback-port needs a whole number');
  });

  it('no command → 2 with the help on stderr; --help → 0 on stdout', async () => {
    const bare = await sandbox.run([]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('Usage: oidcflow <command>');
    const help = await sandbox.run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit codes:');
    expect(help.stderr).toBe('');
  });

  it('every command has --help with an example', async () => {
    for (const command of ['login', 'token', 'logout', 'status', 'explain', 'dev-idp']) {
      const result = await sandbox.run([command, '--help']);
      expect(result.code, command).toBe(0);
      expect(result.stdout.split('Examples:\n')[1], command).toContain(`oidcflow ${command}`);
    }
  });

  it('an issuer nobody answers at → exit 5 and a message that says so, with the URL', async () => {
    const port = await closedPort();
    const issuer = `http://127.0.0.1:${port}`;
    for (const command of ['token', 'explain']) {
      const result = await sandbox.run([
        command,
        '--issuer',
        issuer,
        '--client-id',
        'cli',
        '--cache-path',
        sandbox.cachePath,
      ]);
      expect(result.code, command).toBe(5);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(`Cannot reach the IdP at ${issuer}`);
      expect(result.stderr).toContain('IDP_UNREACHABLE');
    }
  });

  it('missing issuer → configuration exit code 7, naming the flag and variable', async () => {
    const result = await sandbox.run(['token', '--client-id', 'cli']);
    expect(result.code).toBe(7);
    expect(result.stderr).toContain('OIDCFLOW_ISSUER / --issuer');
  });
});
