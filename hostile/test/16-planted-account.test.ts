// Issue 26: a cache entry's account part (`account`, `otherAccounts`, `laterSignIn`) is read as
// typed by the account words, the switch and the later-sign-in check. A file planted (or
// damaged) with `account: null`, a list holding a null, or a mark without an account must be a
// damaged entry like any other: one warning naming the file and the field, a miss, a new login
// at the real IdP. Never a crash, never "undefined" in the words, never the planted token.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheKeyFor } from '@oidcflow/core';
import { afterEach, describe, expect, it } from 'vitest';
import { killChildren, removeDirectories, runCli, temporaryDirectory } from '../support/processes.js';
import { honestDeviceIdp, stopServers } from '../support/servers.js';

afterEach(async () => {
  killChildren();
  await stopServers();
  await removeDirectories();
});

const SCOPES = ['offline_access'];

/** A fresh, otherwise well-formed entry for the settings, with `damage` in its account part. */
function plantedDocument(issuer: string, damage: Record<string, unknown>) {
  const now = Date.now();
  return {
    version: 1,
    key: { issuer, clientId: 'cli', scopes: SCOPES, family: 'user' },
    entry: {
      tokens: { accessToken: 'planted-access', tokenType: 'Bearer', expiresAt: now + 3_600_000 },
      flow: 'device',
      savedAt: now,
      ...damage,
    },
  };
}

const DAMAGES: [string, Record<string, unknown>, string][] = [
  ['account: null', { account: null }, 'entry.account'],
  ['an account that is a name', { account: 'alice' }, 'entry.account'],
  ['other accounts holding a null', { otherAccounts: [{ sub: 'bob' }, null] }, 'entry.otherAccounts'],
  ['other accounts that are a name', { otherAccounts: 'bob' }, 'entry.otherAccounts'],
  ['a mark without an account', { laterSignIn: { account: 7, at: 'yesterday' } }, 'entry.laterSignIn'],
];

describe('a cache file planted with a malformed account part', () => {
  for (const [what, damage, field] of DAMAGES) {
    it(`${what}: accounts and token each warn once naming the file and ${field}; a miss, a new login at the real IdP`, async () => {
      const idp = await honestDeviceIdp();
      const cachePath = await temporaryDirectory();
      // The file cache by name: `auto` may pick the keyring, which never reads a clear-text file.
      const args = [
        ...['--issuer', idp.url, '--client-id', 'cli', '--flow', 'device', '--scope', SCOPES.join(' ')],
        ...['--cache', 'file', '--cache-path', cachePath],
      ];
      const env = { HOME: cachePath };
      const key = cacheKeyFor({ issuer: idp.url, clientId: 'cli', scopes: SCOPES, family: 'user' });
      const file = join(cachePath, `${key.id}.json`);
      await writeFile(file, JSON.stringify(plantedDocument(idp.url, damage)), { mode: 0o600 });
      const warnedOnce = (stderr: string) => {
        const lines = stderr.split('\n').filter((line) => line.includes(file));
        expect(lines, stderr).toHaveLength(1);
        expect(lines[0]).toMatch(/^oidcflow: warning: ignoring the token cache file /);
        expect(lines[0]).toContain(field);
      };

      // The account words: no crash, nothing made of the planted part.
      const accounts = await runCli(['accounts', ...args], env);
      expect(accounts.code, accounts.stderr).toBe(0);
      expect(`${accounts.stdout}${accounts.stderr}`).not.toMatch(/undefined|null|TypeError|bob|alice/);
      warnedOnce(accounts.stderr);

      // The token: not the planted one, a new login at the real IdP.
      const token = await runCli(['token', ...args], env);
      expect(token.code, token.stderr).toBe(0);
      expect(token.stdout.trim()).toBe('honest-access-1');
      expect(`${token.stdout}${token.stderr}`).not.toContain('planted-access');
      warnedOnce(token.stderr);
      expect(idp.requests.filter((request) => request.path === '/device')).toHaveLength(1);
    });
  }
});
