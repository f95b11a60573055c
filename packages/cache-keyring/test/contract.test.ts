import { dirname } from 'node:path';
import { contractEntry, contractKeys, describeCacheContract } from '@oidcflow/cache-file/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyringCache, createLazyKeyringCache, type KeyringCache } from '../src/index.js';
import {
  keyringRequired,
  type SecretService,
  secretServiceMissing,
  useSecretServiceInThisProcess,
  withoutDbusSession,
} from './secret-service.js';
import { temporaryDirectories } from './temporary-directory.js';

const missing = secretServiceMissing();
const directories = temporaryDirectories();
let service: SecretService | undefined;

if (missing && keyringRequired()) {
  describe('cache-keyring contract', () => {
    it('needs a Secret Service (OIDCFLOW_REQUIRE names keyring)', () => {
      throw new Error(`OIDCFLOW_REQUIRE names keyring, but ${missing}`);
    });
  });
} else {
  describe.skipIf(missing !== undefined)(
    `@oidcflow/cache-keyring against gnome-keyring ${missing ? `(skipped: ${missing})` : ''}`,
    () => {
      beforeAll(async () => {
        service = await useSecretServiceInThisProcess();
      });
      afterAll(async () => {
        await directories.removeAll();
        await service?.stop();
      });
      describeCacheContract('@oidcflow/cache-keyring', {
        async create() {
          return createKeyringCache({ cachePath: await directories.make() });
        },
        createPeer(cache) {
          return createKeyringCache({ cachePath: (cache as KeyringCache).directory });
        },
        abortableLock: true,
      });
      // The synchronous factory (conformance harness, plugin lists built without await).
      describeCacheContract('@oidcflow/cache-keyring/lazy', {
        async create() {
          return createLazyKeyringCache({ cachePath: await directories.make() });
        },
        createPeer(cache) {
          return createLazyKeyringCache({
            cachePath: dirname(cache.resolvedCachePath?.(contractKeys().user) as string),
          });
        },
        abortableLock: true,
      });
    },
  );
}

describe.skipIf(process.platform !== 'linux')('the synchronous factory with no D-Bus session', () => {
  it('fails each use with CACHE_KEYRING_UNAVAILABLE (no silent fallback)', async () => {
    await withoutDbusSession(async () => {
      const cache = createLazyKeyringCache({ cachePath: await directories.make() });
      expect(cache.resolvedCachePath(contractKeys().user)).toMatch(/\.sealed$/);
      await expect(cache.get(contractKeys().user)).rejects.toMatchObject({
        code: 'CACHE_KEYRING_UNAVAILABLE',
      });
      await expect(cache.set(contractKeys().user, contractEntry())).rejects.toMatchObject({
        code: 'CACHE_KEYRING_UNAVAILABLE',
      });
    });
    await directories.removeAll();
  });
});
