// The cache-hit path in a fresh process: one file read, no network, and none of the modules
// that only a refresh or a login needs (openid-client, undici, any flow).
import { join } from 'node:path';
import { cacheKeyFor } from '@oidcflow/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileCache } from '../src/index.js';
import { contractEntry } from '../src/testing/index.js';
import { fixture, killAll, startNode } from './processes.js';
import { temporaryDirectories } from './temporary-directory.js';

const directories = temporaryDirectories();
afterEach(async () => {
  killAll();
  await directories.removeAll();
});

describe('a process that finds a valid token in the cache', () => {
  it('reads it without any request and without loading openid-client, undici, a flow, or the lock and writer', async () => {
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
    await createFileCache({ cachePath }).set(key, entry);

    const child = startNode(fixture('cache-hit.mjs'), [JSON.stringify(options)], {
      HOME: await directories.make('oidcflow-home-'),
    });
    const line = await child.waitForLine((text) => text.startsWith('{'), 30_000);
    const result = JSON.parse(line) as { accessToken: string; cachePath: string; loaded: string[] };
    expect(result.accessToken).toBe('fake-cached-access');
    expect(result.cachePath).toBe(join(cachePath, `${key.id}.json`));

    const loaded = result.loaded.map((url) => decodeURIComponent(url));
    // The log is real: core and the file cache were loaded.
    expect(loaded.some((url) => url.includes('/core/dist/index.js'))).toBe(true);
    expect(loaded.some((url) => url.includes('/cache-file/dist/'))).toBe(true);
    const heavy = loaded.filter((url) =>
      /openid-client|oauth4webapi|jose|undici|flow-authcode|flow-device|flow-credentials|slow-path|http-client|file-lock|atomic-write/.test(
        url,
      ),
    );
    expect(heavy).toEqual([]);
  });
});
