// Which cache core picks where @oidcflow/cache-file is installed and @oidcflow/cache-keyring is
// not. In this workspace both are linked beside core (optional peers), so the loader here hides
// the keyring package; its own tests cover the case where it is installed.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCachePlugin } from '../src/registry/load-cache.js';
import type { ModuleLoader } from '../src/registry/registry.js';

/** Core's loader as in a project without @oidcflow/cache-keyring: Node's own not-found error. */
const withoutKeyring: ModuleLoader = (specifier) =>
  specifier === '@oidcflow/cache-keyring'
    ? Promise.reject(
        Object.assign(new Error(`Cannot find package '${specifier}'`), { code: 'ERR_MODULE_NOT_FOUND' }),
      )
    : import(specifier);

const made: string[] = [];
afterAll(async () => {
  for (const directory of made) await rm(directory, { recursive: true, force: true });
});
const cachePath = async () => {
  const directory = await mkdtemp(join(tmpdir(), 'oidcflow-selection-'));
  made.push(directory);
  return directory;
};

describe('loadCachePlugin', () => {
  it("cache: 'auto' without cache-keyring installed takes cache-file", async () => {
    const cache = await loadCachePlugin([], { cachePath: await cachePath() }, withoutKeyring);
    expect(cache.name).toBe('file');
  });

  it("cache: 'keyring' without cache-keyring installed fails with how to install it", async () => {
    await expect(
      loadCachePlugin([], { cachePath: await cachePath(), cacheRequest: 'keyring' }, withoutKeyring),
    ).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('pnpm add @oidcflow/cache-keyring'),
    });
  });

  it('an unknown cache name is a configuration error', async () => {
    await expect(loadCachePlugin([], { cacheRequest: 'vault' as unknown as 'file' })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('"vault"'),
    });
  });
});
