import { describeCacheContract } from '@oidcflow/cache-file/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createKeyringCache, type KeyringCache } from '../src/index.js';
import {
  keyringRequired,
  type SecretService,
  secretServiceMissing,
  useSecretServiceInThisProcess,
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
    },
  );
}
