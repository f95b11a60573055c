// The kubectl and git entry points, in-process and without an IdP: what they must decide
// before any request (the real tools run in the conformance scenarios `kubectl` and `git credential`).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../io.js';
import { runCli } from '../main.js';
import { parseCommandLine } from '../options/parse.js';
import { UsageError } from '../usage-error.js';

let home: string;
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'oidcflow-consumers-'));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

function run(args: string[], env: NodeJS.ProcessEnv = {}, stdin = '') {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text), isTTY: false },
    stdin: Readable.from([stdin]),
    env: { HOME: home, ...env },
    signal: new AbortController().signal,
  };
  return runCli(args, io).then((code) => ({ code, stdout, stderr }));
}

// Port 9 (discard) on loopback: nothing answers, so any request would end in exit 5.
const settings = ['--issuer', 'http://127.0.0.1:9', '--client-id', 'kubernetes'];
const execInfo = (apiVersion: string, interactive: boolean) =>
  JSON.stringify({ kind: 'ExecCredential', apiVersion, spec: { interactive } });

describe('oidcflow token as a kubectl exec plugin', () => {
  it('interactive: false with nothing cached: exit 3, advice to run oidcflow login, no request, no prompt', async () => {
    const result = await run(['token', '--output', 'exec-credential', ...settings, '--cache-path', home], {
      KUBERNETES_EXEC_INFO: execInfo('client.authentication.k8s.io/v1', false),
    });
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/NOT_LOGGED_IN/);
    expect(result.stderr).toMatch(/Run `oidcflow login` in a terminal with the same options/);
    expect(result.stderr).not.toMatch(/browser|enter the code|http:\/\/127\.0\.0\.1:9\/auth/i);
  });

  it('an exec apiVersion oidcflow does not speak is a configuration error (exit 7)', async () => {
    const result = await run(['token', '--output', 'exec-credential', ...settings], {
      KUBERNETES_EXEC_INFO: execInfo('client.authentication.k8s.io/v1alpha1', true),
    });
    expect(result.code).toBe(7);
    expect(result.stderr).toMatch(/v1alpha1/);
  });
});

describe('--token-type', () => {
  it('takes access or id, from the flag or OIDCFLOW_TOKEN_TYPE, for token and git-credential', () => {
    expect(parseCommandLine('token', ['--token-type', 'id'], {}).settings.tokenType).toBe('id');
    expect(parseCommandLine('token', [], { OIDCFLOW_TOKEN_TYPE: 'access' }).settings.tokenType).toBe(
      'access',
    );
    expect(parseCommandLine('git-credential', ['--token-type', 'id'], {}).settings.tokenType).toBe('id');
    expect(() => parseCommandLine('token', ['--token-type', 'refresh'], {})).toThrow(UsageError);
  });

  it('an ID token for client credentials is refused before any request (exit 7)', async () => {
    const result = await run(['token', '--client-credentials', '--token-type', 'id', ...settings], {
      OIDCFLOW_CLIENT_SECRET: 'a-secret-for-tests',
    });
    expect(result.code).toBe(7);
    expect(result.stderr).toMatch(/ID_TOKEN_UNAVAILABLE/);
    expect(result.stderr).toMatch(/--token-type access/);
  });
});

describe('oidcflow git-credential', () => {
  it('store and unknown actions do nothing; a missing action is a usage error', async () => {
    for (const action of ['store', 'capability']) {
      const result = await run(
        ['git-credential', ...settings, action],
        {},
        'protocol=https\nhost=git.example.com\n\n',
      );
      expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
    }
    expect((await run(['git-credential', ...settings])).code).toBe(2);
  });

  it('get sends no token to a plain-HTTP host elsewhere, and makes no request for it', async () => {
    const result = await run(
      ['git-credential', ...settings, '--host', 'git.example.com', 'get'],
      {},
      'protocol=http\nhost=git.example.com\n\n',
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/not sending a token to http:\/\/git\.example\.com/);
  });

  it('erase of a token that is not cached changes nothing and needs no IdP', async () => {
    const result = await run(
      ['git-credential', ...settings, '--host', 'git.example.com', '--cache-path', home, 'erase'],
      {},
      'protocol=https\nhost=git.example.com\nusername=oauth2\npassword=not-a-cached-token\n\n',
    );
    expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('get for a host not named with --host: no output at all, exit 0, no request', async () => {
    const result = await run(
      ['git-credential', ...settings, '--host', 'git.example.com', 'get'],
      {},
      'protocol=https\nhost=submodule.example.org\n\n',
    );
    expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
  });
});
