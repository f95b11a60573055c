// The cache-hit path in a fresh process: one file read, no network, and exactly the modules
// listed below: none that only a refresh or a login needs (openid-client, undici, any flow).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheKeyFor } from '@oidcflow/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileCache } from '../src/index.js';
import { contractEntry } from '../src/testing/index.js';
import { fixture, killAll, startNode } from './processes.js';
import { temporaryDirectories } from './temporary-directory.js';

/** What a new process loads to answer from a fresh cache entry (bench/cache-hit.bench.mjs). */
/** Core's entry is one file: its lazily loaded chunks take what they share with it from it (scripts/bundle-package.mjs). */
const CACHE_HIT_MODULES = ['cache-file/dist/index.js', 'core/dist/index.js'];

/** Module URLs as `node:x` or the path below packages/, sorted: independent of the checkout. */
function loadedModules(urls: string[]): string[] {
  const names = urls.map((url) => {
    if (url.startsWith('node:')) return url;
    const path = decodeURIComponent(new URL(url).pathname);
    const below = path.lastIndexOf('/packages/');
    return below === -1 ? path : path.slice(below + '/packages/'.length);
  });
  // A chunk's content hash changes with every build.
  return [...new Set(names.map((name) => name.replace(/(\/chunks\/[\w-]+?)-[\w-]{8}\.js$/, '$1.js')))].sort();
}

const directories = temporaryDirectories();
afterEach(async () => {
  killAll();
  await directories.removeAll();
});

describe('a process that finds a valid token in the cache', () => {
  it('reads it without any request, loading only the entries of core and of the file cache', async () => {
    const cachePath = join(await directories.make(), 'oidcflow');
    // An issuer that does not resolve: any request would fail the call. The file cache by name:
    // in this workspace @oidcflow/cache-keyring is linked beside core too, and `auto` would try it.
    const options = {
      issuer: 'https://idp.invalid',
      clientId: 'cache-hit-cli',
      scopes: ['openid'],
      cachePath,
      cache: 'file',
    };
    const key = cacheKeyFor({ ...options, family: 'user' });
    const entry = contractEntry({ accessToken: 'fake-cached-access', expiresAt: Date.now() + 3_600_000 });
    entry.savedAt = Date.now();
    entry.metadata!.document.issuer = options.issuer;
    await createFileCache({ cachePath }).set(key, entry);

    const child = startNode(fixture('cache-hit.mjs'), [JSON.stringify(options)], {
      HOME: await directories.make('oidcflow-home-'),
    });
    const line = await child.waitForLine((text) => text.startsWith('{'), 30_000);
    const result = JSON.parse(line) as { accessToken: string; cachePath: string; loaded: string[] };
    expect(result.accessToken).toBe('fake-cached-access');
    expect(result.cachePath).toBe(join(cachePath, `${key.id}.json`));

    // Exactly these modules, node: built-ins included: core's entry and the chunk it shares with
    // its lazy parts, and the file cache's entry (which imports core as a declared dependency:
    // the same module instance, no second copy). The built-ins they use (fs, path: loaded inside
    // Node already) are taken with process.getBuiltinModule, which builds no ES module facade, so
    // none is listed. No node:crypto
    // (the key's SHA-256 is plain JavaScript), no node:os (HOME is set), no node:net, no lock,
    // no writer, no chunk of core's slow path. A new import on this path fails here, not in a
    // benchmark.
    expect(loadedModules(result.loaded)).toEqual(CACHE_HIT_MODULES);
  });

  it('with the profile option: besides, only the profile chunks of core and the TOML parser', async () => {
    const home = await directories.make('oidcflow-home-');
    const cachePath = join(home, 'cache');
    const identity = { issuer: 'https://idp.invalid', clientId: 'cache-hit-profile', scopes: ['openid'] };
    const key = cacheKeyFor({ ...identity, family: 'user' });
    const entry = contractEntry({ accessToken: 'fake-profile-access', expiresAt: Date.now() + 3_600_000 });
    entry.savedAt = Date.now();
    entry.metadata!.document.issuer = identity.issuer;
    await createFileCache({ cachePath }).set(key, entry);
    const config = join(home, 'config.toml');
    await writeFile(
      config,
      `[profiles.hit]\nissuer = "${identity.issuer}"\nclient-id = "${identity.clientId}"\nscope = ["openid"]\ncache = "file"\ncache-path = ${JSON.stringify(cachePath)}\n`,
    );

    const child = startNode(fixture('cache-hit.mjs'), [JSON.stringify({ profile: 'hit' })], {
      HOME: home,
      OIDCFLOW_CONFIG: config,
    });
    const line = await child.waitForLine((text) => text.startsWith('{'), 30_000);
    const result = JSON.parse(line) as { accessToken: string; loaded: string[] };
    expect(result.accessToken).toBe('fake-profile-access');
    const loaded = loadedModules(result.loaded);
    const besides = loaded.filter((name) => !CACHE_HIT_MODULES.includes(name));
    expect(besides.filter((name) => name.startsWith('core/'))).toEqual([
      'core/dist/chunks/profile-document.js',
      'core/dist/chunks/with-profile.js',
    ]);
    // Whatever else loaded is smol-toml's own files: no openid-client, undici, flow or lock.
    expect(besides.filter((name) => !name.startsWith('core/') && !name.includes('/smol-toml/'))).toEqual([]);
    expect(besides.some((name) => name.includes('/smol-toml/'))).toBe(true);
  });
});
