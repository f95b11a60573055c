// Which cache core picks where @oidcflow/cache-file is installed and @oidcflow/cache-keyring is
// not. In this workspace both are linked beside core (optional peers), so the loader here hides
// the keyring package; its own tests cover the case where it is installed.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { cacheKeyFor } from '../src/cache/cache-key.js';
import { KEYRING_FALLBACK_NOTICE_FILE, recordKeyringFallback } from '../src/keyring-fallback.js';
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

/**
 * Under `cache: 'auto'` a location that already fell back to the file cache (the keyring cache
 * recorded and said it) takes the file cache without loading @oidcflow/cache-keyring, as long as
 * still no session bus exists. The keyring package here is a stand-in that only records being asked.
 */
describe.skipIf(process.platform !== 'linux')('a recorded keyring fallback', () => {
  const key = cacheKeyFor({
    issuer: 'https://idp.example',
    clientId: 'cli',
    scopes: ['openid'],
    family: 'user',
  });
  const reason =
    "no OS keyring answers (test: no session bus); cacheFallback is 'file', so tokens are kept in clear";
  const keyringStandIn = {
    kind: 'cache',
    specificationVersion: 'v2',
    name: 'keyring-stand-in',
    get: async () => undefined,
    set: async () => {},
    delete: async () => {},
  };
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  /** Loads the real file cache; counts the times the keyring package is asked for. */
  function recordingLoader() {
    const asked: string[] = [];
    const loader: ModuleLoader = (specifier) => {
      asked.push(specifier);
      return specifier === '@oidcflow/cache-keyring'
        ? Promise.resolve({ createPlugin: () => keyringStandIn })
        : import(specifier);
    };
    return { loader, keyringAsked: () => asked.includes('@oidcflow/cache-keyring') };
  }

  /** A cache directory; `bus` decides whether DBUS_SESSION_BUS_ADDRESS names a socket that is there. */
  async function location(bus: 'missing' | 'present') {
    const directory = await cachePath();
    const socket = join(directory, 'bus-socket');
    if (bus === 'present') await writeFile(socket, '');
    vi.stubEnv('DBUS_SESSION_BUS_ADDRESS', `unix:path=${socket}`);
    return directory;
  }

  it('no session bus and the fallback recorded: the file cache, saying what was said and since when, no keyring loaded', async () => {
    const directory = await location('missing');
    const notice = recordKeyringFallback(directory, reason);
    const { loader, keyringAsked } = recordingLoader();
    const cache = await loadCachePlugin([], { cachePath: directory }, loader, key);
    expect(cache.name).toBe('file');
    expect(cache.selectionReason).toBe(
      `${reason}; said once, on ${notice.since} (remembered in ${join(directory, KEYRING_FALLBACK_NOTICE_FILE)})`,
    );
    expect(keyringAsked()).toBe(false);
  });

  it('a session bus now: the keyring cache is asked, whatever was recorded', async () => {
    const directory = await location('present');
    recordKeyringFallback(directory, reason);
    const { loader, keyringAsked } = recordingLoader();
    const cache = await loadCachePlugin([], { cachePath: directory }, loader, key);
    expect(cache.name).toBe('keyring-stand-in');
    expect(keyringAsked()).toBe(true);
  });

  it('nothing recorded yet: the keyring cache is asked (it decides, records and says it)', async () => {
    const directory = await location('missing');
    const { loader, keyringAsked } = recordingLoader();
    await loadCachePlugin([], { cachePath: directory }, loader, key);
    expect(keyringAsked()).toBe(true);
  });

  it("cacheFallback: 'error' asks the keyring cache, which refuses the file", async () => {
    const directory = await location('missing');
    recordKeyringFallback(directory, reason);
    const { loader, keyringAsked } = recordingLoader();
    await loadCachePlugin([], { cachePath: directory, cacheFallback: 'error' }, loader, key);
    expect(keyringAsked()).toBe(true);
  });

  it('a planted notice whose words hold control characters (a terminal escape) is not shown: the keyring cache is asked', async () => {
    const directory = await location('missing');
    await writeFile(
      join(directory, KEYRING_FALLBACK_NOTICE_FILE),
      '2026-12-07T00:00:00.000Z\nno OS keyring answers \u001b]8;;https://evil.example\u0007click\u001b]8;;\u0007\n',
    );
    const { loader, keyringAsked } = recordingLoader();
    const cache = await loadCachePlugin([], { cachePath: directory }, loader, key);
    expect(cache.name).toBe('keyring-stand-in');
    expect(keyringAsked()).toBe(true);
  });

  it('a notice that does not say what was said (edited, truncated): the keyring cache is asked', async () => {
    const directory = await location('missing');
    await writeFile(join(directory, KEYRING_FALLBACK_NOTICE_FILE), '2026-12-07T00:00:00.000Z\n');
    const { loader, keyringAsked } = recordingLoader();
    await loadCachePlugin([], { cachePath: directory }, loader, key);
    expect(keyringAsked()).toBe(true);
  });
});
