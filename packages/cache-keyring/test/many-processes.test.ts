// 16 processes at once against one keyring cache directory, one Secret Service and the
// embedded IdP: the cross-process lock (cache-file's, reused) must make them share one
// refresh of a rotating refresh token, and one data key.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createFileCache } from '@oidcflow/cache-file';
import { cacheKeyFor, OidcAuth, silentLogger } from '@oidcflow/core';
import { completeAuthorizationWithoutBrowser, startTestIdp, type TestIdp } from '@oidcflow/test-idp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createKeyringCache } from '../src/index.js';
import { getTokensInProcesses, killAll } from './processes.js';
import {
  keyringRequired,
  type SecretService,
  secretServiceMissing,
  useSecretServiceInThisProcess,
} from './secret-service.js';
import { temporaryDirectories } from './temporary-directory.js';

const missing = secretServiceMissing();
const directories = temporaryDirectories();
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const USER_SCOPES = ['openid', 'profile'];

if (missing && keyringRequired()) {
  describe('cache-keyring, many processes', () => {
    it('needs a Secret Service (OIDCFLOW_REQUIRE names keyring)', () => {
      throw new Error(`OIDCFLOW_REQUIRE names keyring, but ${missing}`);
    });
  });
} else {
  describe.skipIf(missing !== undefined)(
    `cache-keyring, 16 processes at once ${missing ? `(skipped: ${missing})` : ''}`,
    () => {
      let idp: TestIdp;
      let service: SecretService | undefined;
      beforeAll(async () => {
        [idp, service] = await Promise.all([startTestIdp(), useSecretServiceInThisProcess()]);
      });
      afterAll(async () => {
        await Promise.all([idp?.stop(), service?.stop()]);
      });
      afterEach(async () => {
        killAll();
        await directories.removeAll();
      });

      it('finding an expired access token with a rotating refresh token: 16 succeed, 1 refresh at the IdP', async () => {
        const cachePath = join(await directories.make(), 'oidcflow');
        const home = await directories.make('oidcflow-home-');
        const options = {
          issuer: idp.issuer,
          clientId: idp.clients.native.clientId,
          scopes: USER_SCOPES,
          cachePath,
          flow: 'auth_code',
          callbackPort: 0,
        };
        const cache = await createKeyringCache({ cachePath });
        const login = new OidcAuth({
          ...options,
          plugins: [cache],
          logger: silentLogger,
          env: {},
          ports: {
            openUrl: async (url) => {
              void completeAuthorizationWithoutBrowser(url, idp.user).then((callback) => fetch(callback));
              return true;
            },
            output: { write: () => true },
          },
        });
        const first = await login.getTokens();
        expect(first.refreshToken).toBeTruthy();
        const key = cacheKeyFor({
          issuer: idp.issuer,
          clientId: idp.clients.native.clientId,
          scopes: USER_SCOPES,
          family: 'user',
        });
        const entry = await cache.get(key);
        await cache.set(key, { ...entry!, tokens: { ...entry!.tokens, expiresAt: Date.now() - 1000 } });
        idp.requests.reset();

        const { results, stderr } = await getTokensInProcesses(
          16,
          {
            kind: 'user',
            explain: true,
            options: { ...options, cache: 'keyring', openBrowser: false, callbackTimeoutSeconds: 5 },
          },
          { HOME: home, DBUS_SESSION_BUS_ADDRESS: service!.env.DBUS_SESSION_BUS_ADDRESS ?? '' },
        );
        expect(
          results.filter((result) => !result.ok),
          stderr.join('\n'),
        ).toEqual([]);
        expect(new Set(results.map((result) => result.cache?.plugin))).toEqual(new Set(['keyring']));
        const hashes = new Set(results.map((result) => result.tokenHash));
        expect(hashes.size).toBe(1);
        expect(hashes.has(sha256(first.accessToken))).toBe(false);
        expect(idp.requests.tokenRequests('refresh_token')).toBe(1);
        expect(idp.requests.tokenRequests()).toBe(1);

        const refreshed = await cache.get(key);
        expect(sha256(refreshed!.tokens.accessToken)).toBe([...hashes][0]);
        expect(refreshed!.tokens.refreshToken).not.toBe(first.refreshToken);
        const names = (await readdir(cachePath)).filter((name) => !name.endsWith('.lock'));
        expect(names).toEqual([`${key.id}.sealed`]);
      });

      it('16 processes taking over an expired clear-text cache-file entry: 1 migration, 1 refresh, no clear file left', async () => {
        const cachePath = join(await directories.make(), 'oidcflow');
        const home = await directories.make('oidcflow-home-');
        const options = {
          issuer: idp.issuer,
          clientId: idp.clients.native.clientId,
          scopes: USER_SCOPES,
          cachePath,
          flow: 'auth_code',
          callbackPort: 0,
        };
        const plain = createFileCache({ cachePath });
        const first = await new OidcAuth({
          ...options,
          plugins: [plain],
          logger: silentLogger,
          env: {},
          ports: {
            openUrl: async (url) => {
              void completeAuthorizationWithoutBrowser(url, idp.user).then((callback) => fetch(callback));
              return true;
            },
            output: { write: () => true },
          },
        }).getTokens();
        const key = cacheKeyFor({
          issuer: idp.issuer,
          clientId: idp.clients.native.clientId,
          scopes: USER_SCOPES,
          family: 'user',
        });
        const entry = await plain.get(key);
        await plain.set(key, { ...entry!, tokens: { ...entry!.tokens, expiresAt: Date.now() - 1000 } });
        idp.requests.reset();

        const { results, stderr } = await getTokensInProcesses(
          16,
          {
            kind: 'user',
            options: { ...options, cache: 'keyring', openBrowser: false, callbackTimeoutSeconds: 5 },
          },
          { HOME: home, DBUS_SESSION_BUS_ADDRESS: service!.env.DBUS_SESSION_BUS_ADDRESS ?? '' },
        );
        expect(
          results.filter((result) => !result.ok),
          stderr.join('\n'),
        ).toEqual([]);
        expect(new Set(results.map((result) => result.tokenHash)).size).toBe(1);
        expect(idp.requests.tokenRequests('refresh_token')).toBe(1);
        expect(idp.requests.tokenRequests()).toBe(1);
        const names = (await readdir(cachePath)).filter((name) => !name.endsWith('.lock'));
        expect(names).toEqual([`${key.id}.sealed`]);
        const sealedText = await readFile(join(cachePath, names[0]!), 'utf8');
        expect(sealedText).not.toContain(first.refreshToken!);
        const refreshed = await (await createKeyringCache({ cachePath })).get(key);
        expect(refreshed!.tokens.refreshToken).not.toBe(first.refreshToken);
        expect(sealedText).not.toContain(refreshed!.tokens.refreshToken!);
      });

      it('16 processes with an empty cache directory and no data key yet: one data key, one grant', async () => {
        const cachePath = join(await directories.make(), 'oidcflow');
        const home = await directories.make('oidcflow-home-');
        const { results, stderr } = await getTokensInProcesses(
          16,
          {
            kind: 'client',
            options: { issuer: idp.issuer, clientId: idp.clients.ci.clientId, cachePath, cache: 'keyring' },
          },
          {
            HOME: home,
            OIDCFLOW_CLIENT_SECRET: idp.clients.ci.clientSecret,
            DBUS_SESSION_BUS_ADDRESS: service!.env.DBUS_SESSION_BUS_ADDRESS ?? '',
          },
        );
        expect(
          results.filter((result) => !result.ok),
          stderr.join('\n'),
        ).toEqual([]);
        expect(new Set(results.map((result) => result.tokenHash)).size).toBe(1);
        expect(idp.requests.tokenRequests('client_credentials')).toBe(1);
        // Every process sealed with the same key: a fresh instance reads the entry.
        const key = cacheKeyFor({
          issuer: idp.issuer,
          clientId: idp.clients.ci.clientId,
          scopes: [],
          family: 'client',
        });
        const warned: string[] = [];
        const reader = await createKeyringCache({ cachePath, warn: (message) => warned.push(message) });
        expect(sha256((await reader.get(key))!.tokens.accessToken)).toBe(results[0]!.tokenHash);
        expect(warned).toEqual([]);
      });
    },
  );
}
