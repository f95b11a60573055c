// Issue 23, item 1: the keyring cache promised that a planted or edited entry is a miss. But a
// deleted or damaged `<id>.sealed` plus a clear-text `<id>.json` dropped beside it was
// "migrated": sealed under the user's data key, and the token_endpoint written in it received
// the client secret and the refresh token at the next refresh. Clear text may move in only at
// the location's first adoption (no data key in the keyring yet), never after.
import { rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import {
  keyringRequired,
  type SecretService,
  secretServiceMissing,
  useSecretServiceInThisProcess,
} from '@oidcflow/cache-keyring/testing';
import { cacheKeyFor, OidcAuth } from '@oidcflow/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { killChildren, removeDirectories, runCli, temporaryDirectory } from '../support/processes.js';
import {
  type HostileServer,
  honestDeviceIdp,
  json,
  metadataFor,
  startServer,
  stopServers,
} from '../support/servers.js';

const CLIENT_SECRET = 'client-secret-that-only-the-real-idp-may-see';
const SCOPES = ['openid', 'offline_access'];
const missing = secretServiceMissing();

/** Takes whatever is sent to its token endpoint. */
const attackerTokenEndpoint = () =>
  startServer((_request, response) =>
    json(response, 200, { access_token: 'attacker-access', token_type: 'Bearer', expires_in: 3600 }),
  );

function authFor(idp: HostileServer, cachePath: string, cache: 'keyring' | 'file', warnings: string[]) {
  return new OidcAuth({
    issuer: idp.url,
    clientId: 'cli',
    clientSecret: CLIENT_SECRET,
    scopes: SCOPES,
    flow: 'device',
    openBrowser: false,
    cache,
    cachePath,
    // Finds @oidcflow/cache-keyring as the CLI does: from the caller's dependencies.
    loadModule: (specifier) => import(specifier),
    logger: { debug() {}, warn: (message) => warnings.push(message) },
    ports: { output: { write: () => true } },
    env: {},
  });
}

/**
 * A file-cache document for these settings whose access token has expired, whose refresh token
 * is the attacker's, and whose cached metadata sends the refresh to the attacker's token endpoint.
 */
function plantedDocument(idp: HostileServer, attacker: HostileServer) {
  const now = Date.now();
  return {
    version: 1,
    key: { issuer: idp.url, clientId: 'cli', scopes: [...SCOPES].sort(), family: 'user' },
    entry: {
      tokens: {
        accessToken: 'planted-access',
        tokenType: 'Bearer',
        expiresAt: now - 60_000,
        refreshToken: 'planted-refresh',
      },
      metadata: {
        document: { ...metadataFor(idp.url), token_endpoint: `${attacker.url}/token` },
        fetchedAt: now,
      },
      flow: 'device',
      savedAt: now - 120_000,
    },
  };
}

/** Plants the clear-text entry beside where the keyring cache keeps the sealed one. */
async function plantClearEntry(sealedPath: string, idp: HostileServer, attacker: HostileServer) {
  const key = cacheKeyFor({ issuer: idp.url, clientId: 'cli', scopes: SCOPES, family: 'user' });
  // The planted name must be the one the caches use, or the attack proves nothing.
  expect(basename(sealedPath)).toBe(`${key.id}.sealed`);
  const clearPath = join(sealedPath, '..', `${key.id}.json`);
  await writeFile(clearPath, JSON.stringify(plantedDocument(idp, attacker)), { mode: 0o600 });
  return clearPath;
}

if (missing && keyringRequired()) {
  describe('a clear-text entry planted beside the keyring cache', () => {
    it('needs a Secret Service (OIDCFLOW_REQUIRE names keyring)', () => {
      throw new Error(`OIDCFLOW_REQUIRE names keyring, but ${missing}`);
    });
  });
} else {
  describe.skipIf(missing !== undefined)(
    `a clear-text entry planted beside the keyring cache${missing ? ` (skipped: ${missing})` : ''}`,
    () => {
      let service: SecretService | undefined;
      beforeAll(async () => {
        service = await useSecretServiceInThisProcess();
      });
      afterAll(async () => {
        await service?.stop();
      });
      afterEach(async () => {
        killChildren();
        await stopServers();
        await removeDirectories();
      });

      it('control: the plain file cache uses the planted entry (write access to its directory is a compromise)', async () => {
        const [idp, attacker] = await Promise.all([honestDeviceIdp(), attackerTokenEndpoint()]);
        const cachePath = await temporaryDirectory();
        const auth = authFor(idp, cachePath, 'file', []);
        const path = (await auth.resolvedCachePath()) as string;
        await plantClearEntry(path.replace(/\.json$/, '.sealed'), idp, attacker);
        expect(await auth.getAccessToken()).toBe('attacker-access');
        expect(attacker.requests[0]?.body).toContain('planted-refresh');
      });

      for (const damage of ['deleted', 'damaged'] as const) {
        it(`a ${damage} .sealed file plus a planted <id>.json is a miss with a warning naming the file: never migrated, its token_endpoint never called`, async () => {
          const [idp, attacker] = await Promise.all([honestDeviceIdp(), attackerTokenEndpoint()]);
          const cachePath = await temporaryDirectory();
          const first = authFor(idp, cachePath, 'keyring', []);
          expect(await first.getAccessToken()).toBe('honest-access-1');
          const sealedPath = (await first.resolvedCachePath()) as string;
          expect(sealedPath).toMatch(/\.sealed$/);

          if (damage === 'deleted') await rm(sealedPath);
          else
            await writeFile(sealedPath, '{"format":"oidcflow-keyring-cache","version":1}', { mode: 0o600 });
          const clearPath = await plantClearEntry(sealedPath, idp, attacker);

          const warnings: string[] = [];
          const token = await authFor(idp, cachePath, 'keyring', warnings).getAccessToken();
          expect(attacker.requests).toEqual([]);
          // Not the planted entry: a new login at the real IdP.
          expect(token).toBe('honest-access-2');
          const aboutPlanted = warnings.filter((warning) => warning.includes(clearPath));
          expect(aboutPlanted, warnings.join('\n')).toHaveLength(1);
          expect(aboutPlanted[0]).not.toContain('\n');

          // And later reads keep using the sealed entry of that login.
          expect(await authFor(idp, cachePath, 'keyring', []).getAccessToken()).toBe('honest-access-2');
          expect(attacker.requests).toEqual([]);
        });
      }

      it('through the built CLI (--cache keyring): the planted entry is one warning line naming the file, and a new login at the real IdP', async () => {
        const [idp, attacker] = await Promise.all([honestDeviceIdp(), attackerTokenEndpoint()]);
        const cachePath = await temporaryDirectory();
        const args = [
          '--issuer',
          idp.url,
          '--client-id',
          'cli',
          '--flow',
          'device',
          '--scope',
          SCOPES.join(' '),
        ];
        const cacheArgs = ['--cache', 'keyring', '--cache-path', cachePath];
        const env = {
          HOME: cachePath,
          DBUS_SESSION_BUS_ADDRESS: service?.env.DBUS_SESSION_BUS_ADDRESS ?? '',
          OIDCFLOW_CLIENT_SECRET: CLIENT_SECRET,
        };
        const login = await runCli(['login', ...args, ...cacheArgs], env);
        expect(login.code, login.stderr).toBe(0);
        const status = JSON.parse(
          (await runCli(['status', ...args, ...cacheArgs, '--output', 'json'], env)).stdout,
        );
        const sealedPath = status.entries[0].cachePath as string;
        expect(sealedPath).toMatch(/\.sealed$/);
        await rm(sealedPath);
        const clearPath = await plantClearEntry(sealedPath, idp, attacker);

        const token = await runCli(['token', ...args, ...cacheArgs], env);
        expect(token.code, token.stderr).toBe(0);
        expect(token.stdout.trim()).toBe('honest-access-2');
        expect(attacker.requests).toEqual([]);
        const warning = token.stderr.split('\n').filter((line) => line.includes(clearPath));
        expect(warning, token.stderr).toHaveLength(1);
        expect(warning[0]).toMatch(/^oidcflow: warning: ignoring the clear-text token cache file /);
      });
    },
  );
}
