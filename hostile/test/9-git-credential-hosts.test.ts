// Issue 23: `oidcflow git-credential` configured as a global credential.helper (a common
// pattern) answered any https host git asked about, so a malicious repository's submodule or
// `lfs.url` on its own host received the IdP token. The helper answers only for the hosts it is
// given (--host, OIDCFLOW_GIT_HOSTS), and refuses others silently, as git expects of a helper.
// Tested with the real `git credential fill` and a global helper in a HOME of its own.
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI_BIN, removeDirectories, temporaryDirectory } from '../support/processes.js';
import { json, metadataFor, startServer, stopServers } from '../support/servers.js';

afterEach(async () => {
  await stopServers();
  await removeDirectories();
});

/** git on PATH, or undefined; OIDCFLOW_REQUIRE naming git turns its absence into a failure. */
function findGit(): string | undefined {
  for (const directory of (process.env.PATH ?? '').split(':')) {
    try {
      accessSync(join(directory, 'git'), constants.X_OK);
      return join(directory, 'git');
    } catch {}
  }
  return undefined;
}
const GIT = findGit();
const GIT_REQUIRED = (process.env.OIDCFLOW_REQUIRE ?? '').split(',').includes('git');

const TOKEN = 'idp-token-for-git-example-only';

/** A client-credentials IdP that hands out TOKEN. */
function credentialsIdp() {
  return startServer((request, response, base) => {
    if (request.path === '/.well-known/openid-configuration') json(response, 200, metadataFor(base));
    else if (request.path === '/token')
      json(response, 200, { access_token: TOKEN, token_type: 'Bearer', expires_in: 300 });
    else json(response, 404, {});
  });
}

interface GitRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function git(args: string[], env: Record<string, string>, input = ''): Promise<GitRun> {
  return new Promise((resolve) => {
    const child = execFile(GIT as string, args, { env, timeout: 30_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    // `git config` does not read its input: a closed pipe is not an error here.
    child.stdin?.on('error', () => {});
    child.stdin?.end(input);
  });
}

/**
 * A user's git: its own HOME and global config (GIT_CONFIG_GLOBAL), no system config, never a
 * prompt; `oidcflow git-credential` as the global credential.helper, with `helperArgs`.
 */
async function userGit(issuer: string, helperArgs: string[], extraEnv: Record<string, string> = {}) {
  const home = await temporaryDirectory();
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: home,
    GIT_CONFIG_GLOBAL: join(home, '.gitconfig'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    // What the helper reads, from git's environment, as a user's shell profile would set it.
    OIDCFLOW_CLIENT_SECRET: 'ci-secret-value',
    OIDCFLOW_CACHE: 'file',
    ...extraEnv,
  };
  const helper = [
    process.execPath,
    CLI_BIN,
    'git-credential',
    ...['--issuer', issuer, '--client-id', 'ci', '--client-credentials', '--cache-path', join(home, 'cache')],
    ...helperArgs,
  ];
  const configured = await git(['config', '--global', 'credential.helper', `!${helper.join(' ')}`], env);
  expect(configured.code, configured.stderr).toBe(0);
  /** `git credential fill` for `attributes`, as git asks when it needs a credential for that URL. */
  const fill = (attributes: Record<string, string>) =>
    git(
      ['credential', 'fill'],
      env,
      `${Object.entries(attributes)
        .map(([name, value]) => `${name}=${value}\n`)
        .join('')}\n`,
    );
  return { fill };
}

const tokenRequests = (idp: { requests: Array<{ path: string }> }) =>
  idp.requests.filter((request) => request.path === '/token').length;

describe.skipIf(!GIT && !GIT_REQUIRED)('git-credential as a global helper, asked about other hosts', () => {
  it('a submodule’s or an lfs.url’s host gets nothing (no token, no IdP request); the configured host gets the token', async () => {
    if (!GIT) throw new Error('OIDCFLOW_REQUIRE names git, but git is not on PATH');
    const idp = await credentialsIdp();
    const { fill } = await userGit(idp.url, [], { OIDCFLOW_GIT_HOSTS: 'git.example.com' });

    const attackers: Array<Record<string, string>> = [
      { protocol: 'https', host: 'submodule.attacker.example' },
      { protocol: 'https', host: 'lfs.attacker.example', path: 'org/repo.git/info/lfs' },
      { protocol: 'https', host: 'git.example.com.attacker.example' },
      { protocol: 'https', host: 'git.example.com:8443' },
    ];
    for (const attacker of attackers) {
      const result = await fill(attacker);
      // No helper answered and prompts are off: git gives up. The token is nowhere.
      expect(result.code, attacker.host).not.toBe(0);
      expect(result.stdout).not.toContain(TOKEN);
      expect(result.stderr).not.toContain(TOKEN);
      expect(result.stderr).not.toMatch(/oidcflow/);
    }
    expect(tokenRequests(idp)).toBe(0);

    const own = await fill({ protocol: 'https', host: 'git.example.com' });
    expect(own.code, own.stderr).toBe(0);
    expect(own.stdout).toContain(`password=${TOKEN}\n`);
    expect(own.stdout).toContain('username=oauth2\n');
  });

  it('--host (repeatable, a port where git sends one) names the hosts; without any, the helper answers none and says why', async () => {
    if (!GIT) throw new Error('OIDCFLOW_REQUIRE names git, but git is not on PATH');
    const idp = await credentialsIdp();
    const { fill } = await userGit(idp.url, [
      '--host',
      'git.example.com',
      '--host',
      'GIT.internal.example:8443',
    ]);
    expect((await fill({ protocol: 'https', host: 'git.internal.example:8443' })).stdout).toContain(
      `password=${TOKEN}\n`,
    );
    expect((await fill({ protocol: 'https', host: 'git.example.com' })).stdout).toContain(
      `password=${TOKEN}\n`,
    );
    expect((await fill({ protocol: 'https', host: 'git.internal.example' })).stdout).not.toContain(TOKEN);

    const unconfigured = await userGit(idp.url, []);
    const result = await unconfigured.fill({ protocol: 'https', host: 'git.example.com' });
    expect(result.stdout).not.toContain(TOKEN);
    expect(result.stderr).toContain('--host');
    expect(result.stderr).toContain('OIDCFLOW_GIT_HOSTS');
  });
});
