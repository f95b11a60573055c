import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IdentitySourcePlugin } from '../spec/identity-source.js';
import { BUILTIN_IDENTITY_SOURCES } from './builtin-sources.js';
import { checkPlatformToken } from './platform-token.js';

const source = (name: string) =>
  BUILTIN_IDENTITY_SOURCES.find((candidate) => candidate.name === name) as IdentitySourcePlugin;
const noFetch = (() => Promise.reject(new Error('no request expected'))) as typeof fetch;
const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** The shape of a JWT (the signature is the IdP's to check, not the source's). */
const jwt = (claims: object) =>
  `${base64url({ alg: 'RS256', typ: 'JWT' })}.${base64url(claims)}.c2lnbmF0dXJl`;

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'oidcflow-sources-'));
});
afterAll(() => rm(directory, { recursive: true, force: true }));

describe('built-in identity sources', () => {
  it('gitlab: present with GITLAB_CI and its id_tokens variable (renamed by the argument)', async () => {
    const gitlab = source('gitlab');
    expect(await gitlab.detect({ env: {} })).toMatchObject({
      present: false,
      reason: expect.stringMatching(/GITLAB_CI is not set/),
    });
    expect(await gitlab.detect({ env: { GITLAB_CI: 'true' } })).toMatchObject({
      present: false,
      reason: expect.stringMatching(/OIDCFLOW_ID_TOKEN is not/),
    });
    expect(
      await gitlab.detect({ env: { GITLAB_CI: 'true', MY_TOKEN: 'x' }, argument: 'MY_TOKEN' }),
    ).toMatchObject({ present: true });
    const read = gitlab.read({ env: { OIDCFLOW_ID_TOKEN: ' t0ken \n' }, audience: 'a', fetch: noFetch });
    expect(await read).toBe('t0ken');
  });

  it('kubernetes, azure and aws read the files their platform keeps fresh', async () => {
    const path = join(directory, 'token');
    await writeFile(path, 'from-a-file\n');
    expect(await source('kubernetes').detect({ env: {}, argument: path })).toMatchObject({ present: true });
    expect(await source('kubernetes').detect({ env: {} })).toMatchObject({ present: false });
    expect(await source('kubernetes').read({ env: {}, argument: path, audience: 'a', fetch: noFetch })).toBe(
      'from-a-file',
    );
    const azureEnv = { AZURE_FEDERATED_TOKEN_FILE: path };
    expect(await source('azure').detect({ env: azureEnv })).toMatchObject({ present: true });
    expect(await source('azure').read({ env: azureEnv, audience: 'a', fetch: noFetch })).toBe('from-a-file');
    const awsEnv = { AWS_WEB_IDENTITY_TOKEN_FILE: path };
    expect(await source('aws').read({ env: awsEnv, audience: 'a', fetch: noFetch })).toBe('from-a-file');
    await expect(source('aws').read({ env: {}, audience: 'a', fetch: noFetch })).rejects.toMatchObject({
      code: 'IDENTITY_SOURCE_UNAVAILABLE',
    });
    await expect(
      source('spiffe').read({ env: {}, argument: join(directory, 'missing'), audience: 'a', fetch: noFetch }),
    ).rejects.toThrow(/cannot be read \(ENOENT\)/);
  });

  it('command: the standard output of the command; a failing command says its status', async () => {
    const command = source('command');
    expect(
      await command.read({
        env: { PATH: process.env.PATH },
        argument: 'echo from-a-command',
        audience: 'a',
        fetch: noFetch,
      }),
    ).toBe('from-a-command');
    await expect(
      command.read({ env: { PATH: process.env.PATH }, argument: 'exit 3', audience: 'a', fetch: noFetch }),
    ).rejects.toThrow(/exited with status 3/);
  });

  it('github is absent without the request variables, and says why when only GITHUB_ACTIONS is set', async () => {
    expect(await source('github').detect({ env: { GITHUB_ACTIONS: 'true' } })).toMatchObject({
      present: false,
      reason: expect.stringMatching(/id-token: write/),
    });
  });
});

describe('checkPlatformToken', () => {
  const now = Date.parse('2026-12-07T06:00:00Z');
  const exp = now / 1000 + 300;

  it('takes an unexpired JWT and keeps only iss, sub, aud and exp', () => {
    const token = jwt({
      iss: 'https://ci',
      sub: 'repo:a/b:ref:refs/heads/main',
      aud: ['x'],
      exp,
      secret: 's',
    });
    expect(checkPlatformToken(token, 'file', now).claims).toEqual({
      iss: 'https://ci',
      sub: 'repo:a/b:ref:refs/heads/main',
      aud: ['x'],
      exp,
    });
  });

  it('refuses what is not a JWT, an unsigned one, one without exp, and an expired one, never quoting it', () => {
    const cases = [
      'not-a-jwt',
      `${base64url({ alg: 'none' })}.${base64url({ exp })}.`,
      jwt({ iss: 'https://ci', sub: 's' }),
      jwt({ iss: 'https://ci', sub: 's', exp: now / 1000 - 1 }),
    ];
    for (const token of cases) {
      const error = (() => {
        try {
          checkPlatformToken(token, 'file', now);
        } catch (caught) {
          return caught as Error & { code: string };
        }
        throw new Error('accepted');
      })();
      expect(error.code).toBe('IDENTITY_TOKEN_INVALID');
      expect(error.message).not.toContain(token);
    }
  });

  it('lets an opaque subject token through when the exchange does not ask for a JWT', () => {
    expect(checkPlatformToken('opaque-access-token', 'env', now, false)).toMatchObject({ claims: {} });
  });
});
