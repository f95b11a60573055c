// The keyring cache's hit path in a fresh process: core finds the keyring cache by itself
// (`auto`; it is linked beside core as its optional peer), reads the sealed entry with the data
// key from the Secret Service, and no request is made. Exactly the modules listed below load:
// core and this package, which carries the file cache it seals into (scripts/bundle-package.mjs,
// INLINED_IMPORTS; the file cache's hit-path fixture, packages/cache-file/test/cache-hit-path.test.ts,
// runs here), the chunk that opens sealed files, and node:crypto; no openid-client, undici or
// flow, and no second copy of the file cache. A new import on this path fails here, not in a benchmark.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { contractEntry } from '@oidcflow/cache-file/testing';
import { cacheKeyFor } from '@oidcflow/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyringCache } from '../src/index.js';
import {
  keyringRequired,
  type SecretService,
  secretServiceMissing,
  useSecretServiceInThisProcess,
} from './secret-service.js';
import { temporaryDirectories } from './temporary-directory.js';

const CACHE_HIT_FIXTURE = fileURLToPath(
  new URL('../../cache-file/test/fixtures/cache-hit.mjs', import.meta.url),
);

/**
 * The ES modules a new process loads to answer from a fresh keyring-cache entry (Linux x64,
 * glibc): no `node:` module facade (built-ins come through process.getBuiltinModule) and not
 * the binding's CommonJS loader, whose import from an ES module cost 30–50 ms of cjs-module-lexer
 * start-up: the prebuilt `.node` file is opened with process.dlopen (src/binding.ts). This
 * package is one file (its `./lazy` entry imports the main one, scripts/bundle-package.mjs), and
 * a hit that decrypts loads the chunk that opens sealed files besides (a hit answered from its
 * decode memo does not: entry-memo.test.ts checks it loads no node:crypto).
 */
const KEYRING_HIT_MODULES = [
  'cache-keyring/dist/chunks/envelope.js',
  'cache-keyring/dist/index.js',
  'core/dist/index.js',
];

/** Module URLs as `node:x`, or the path below the last packages/ or node_modules/: independent of the checkout. */
function loadedModules(urls: string[]): string[] {
  const names = urls.map((url) => {
    if (url.startsWith('node:')) return url;
    const path = decodeURIComponent(new URL(url).pathname);
    const below = Math.max(
      path.lastIndexOf('/packages/') + '/packages/'.length,
      path.lastIndexOf('/node_modules/') + '/node_modules/'.length,
    );
    return path.slice(below);
  });
  // A chunk's content hash changes with every build.
  return [...new Set(names.map((name) => name.replace(/(\/chunks\/[\w-]+?)-[\w-]{8}\.js$/, '$1.js')))].sort();
}

const missing = secretServiceMissing();
const directories = temporaryDirectories();
const skipped = missing !== undefined && !keyringRequired();

describe.skipIf(skipped)(
  `a process that finds a valid token in the keyring cache ${skipped ? `(skipped: ${missing})` : ''}`,
  () => {
    let service: SecretService | undefined;
    beforeAll(async () => {
      if (missing) throw new Error(`OIDCFLOW_REQUIRE names keyring, but ${missing}`);
      service = await useSecretServiceInThisProcess();
    });
    afterAll(async () => {
      await service?.stop();
      await directories.removeAll();
    });

    it('reads it without any request, loading only core, the keyring cache and the chunk that decrypts as ES modules', async () => {
      const cachePath = join(await directories.make(), 'oidcflow');
      // An issuer that does not resolve: any request would fail the call.
      const options = {
        issuer: 'https://idp.invalid',
        clientId: 'cache-hit-cli',
        scopes: ['openid'],
        cachePath,
      };
      const key = cacheKeyFor({ ...options, family: 'user' });
      const entry = contractEntry({ accessToken: 'fake-cached-access', expiresAt: Date.now() + 3_600_000 });
      entry.savedAt = Date.now();
      entry.metadata!.document.issuer = options.issuer;
      // No kernel copy, so no decode memo: this hit decrypts, wherever the test runs.
      await (await createKeyringCache({ cachePath, keyringKernelCopy: false })).set(key, entry);

      const { stdout } = await promisify(execFile)(
        process.execPath,
        [CACHE_HIT_FIXTURE, JSON.stringify(options)],
        {
          env: {
            PATH: process.env.PATH ?? '',
            HOME: await directories.make('oidcflow-home-'),
            DBUS_SESSION_BUS_ADDRESS: service!.env.DBUS_SESSION_BUS_ADDRESS ?? '',
            OIDCFLOW_KEYRING_KERNEL_COPY: 'off',
          },
          timeout: 30_000,
        },
      );
      const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as {
        accessToken: string;
        cachePath: string;
        loaded: string[];
      };
      expect(result.accessToken).toBe('fake-cached-access');
      expect(result.cachePath).toBe(join(cachePath, `${key.id}.sealed`));
      expect(loadedModules(result.loaded)).toEqual(KEYRING_HIT_MODULES);
    });
  },
);
