import {
  chmod,
  chown,
  mkdir,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, OidcflowError } from '@oidcflow/core';
import { afterEach, describe, expect, it } from 'vitest';
import { CACHE_FORMAT_VERSION, createFileCache, serializeCacheDocument } from '../src/index.js';
import { contractEntry, contractKeys } from '../src/testing/index.js';
import { temporaryDirectories } from './temporary-directory.js';

const directories = temporaryDirectories();
afterEach(() => directories.removeAll());

const posixOnly = process.platform !== 'win32';
const mode = async (path: string) => (await stat(path)).mode & 0o777;

async function rejection(promise: Promise<unknown>): Promise<OidcflowError> {
  try {
    await promise;
  } catch (error) {
    if (OidcflowError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe.runIf(posixOnly)('modes', () => {
  it('creates the directory 0700 (parents included) and the file 0600', async () => {
    const root = await directories.make();
    const cachePath = join(root, 'nested', 'oidcflow');
    const cache = createFileCache({ cachePath });
    const { user } = contractKeys();
    await cache.set(user, contractEntry());
    expect(await mode(cachePath)).toBe(0o700);
    expect(await mode(join(root, 'nested'))).toBe(0o700);
    expect(await mode(cache.resolvedCachePath(user)!)).toBe(0o600);
  });

  it('keeps 0600 when an entry is replaced', async () => {
    const cache = createFileCache({ cachePath: await directories.make() });
    const { user } = contractKeys();
    await cache.set(user, contractEntry());
    await cache.set(user, contractEntry({ accessToken: 'fake-second' }));
    expect(await mode(cache.resolvedCachePath(user)!)).toBe(0o600);
  });

  it.each([
    [0o620, 'other users can change it'],
    [0o606, 'other users can change it'],
    [0o644, 'other users can read it'],
  ])('refuses a cache file with mode %o, saying how to fix it', async (fileMode, why) => {
    const cache = createFileCache({ cachePath: await directories.make() });
    const { user } = contractKeys();
    await cache.set(user, contractEntry());
    const path = cache.resolvedCachePath(user)!;
    await chmod(path, fileMode);
    const error = await rejection(createFileCache({ cachePath: cache.directory }).get(user));
    expect(error.code).toBe(ErrorCode.CACHE_INSECURE);
    expect(error.message).toContain(why);
    expect(error.message).toContain(`chmod 600 '${path}'`);
    expect(error.message).not.toContain('fake-');
  });

  it('refuses a group- or world-writable directory, saying how to fix it', async () => {
    const cachePath = await directories.make();
    await chmod(cachePath, 0o777);
    const cache = createFileCache({ cachePath });
    const { user } = contractKeys();
    const onSet = await rejection(cache.set(user, contractEntry()));
    expect(onSet.code).toBe(ErrorCode.CACHE_INSECURE);
    expect(onSet.message).toContain(`chmod 700 '${cachePath}'`);
    const onLock = await rejection(cache.withLock(user, async () => 'never'));
    expect(onLock.code).toBe(ErrorCode.CACHE_INSECURE);

    // A file placed there earlier is refused on read too.
    await chmod(cachePath, 0o700);
    await createFileCache({ cachePath }).set(user, contractEntry());
    await chmod(cachePath, 0o770);
    const onGet = await rejection(createFileCache({ cachePath }).get(user));
    expect(onGet.code).toBe(ErrorCode.CACHE_INSECURE);
  });

  it('refuses a symbolic link as the cache directory, wherever it points', async () => {
    const real = await directories.make();
    const link = join(await directories.make(), 'linked-cache');
    await symlink(real, link);
    const { user } = contractKeys();
    await createFileCache({ cachePath: real }).set(user, contractEntry());
    const cache = createFileCache({ cachePath: link });
    const attempts = [
      () => cache.get(user),
      () => cache.set(user, contractEntry()),
      () => cache.withLock(user, async () => 1),
    ];
    for (const attempt of attempts) {
      const error = await rejection(attempt());
      expect(error.code).toBe(ErrorCode.CACHE_INSECURE);
      expect(error.message).toContain('symbolic link');
    }
  });

  // Only root can give a file away: the case of `sudo` with another user's HOME.
  it.runIf(process.getuid?.() === 0)(
    'refuses a directory or file another user owns, even with private modes',
    async () => {
      const nobody = 65_534;
      const cachePath = await directories.make();
      const { user } = contractKeys();
      await createFileCache({ cachePath }).set(user, contractEntry());
      const file = join(cachePath, `${user.id}.json`);
      await chown(file, nobody, nobody);
      const onFile = await rejection(createFileCache({ cachePath }).get(user));
      expect(onFile.code).toBe(ErrorCode.CACHE_INSECURE);
      expect(onFile.message).toContain(`belongs to user id ${nobody}`);
      await chown(file, 0, 0);
      await chown(cachePath, nobody, nobody);
      const onDirectory = await rejection(createFileCache({ cachePath }).get(user));
      expect(onDirectory.code).toBe(ErrorCode.CACHE_INSECURE);
      expect(onDirectory.message).toContain(`directory ${cachePath} belongs to user id ${nobody}`);
      const onSet = await rejection(createFileCache({ cachePath }).set(user, contractEntry()));
      expect(onSet.code).toBe(ErrorCode.CACHE_INSECURE);
    },
  );

  it('accepts a directory others can only read (the files stay 0600)', async () => {
    const cachePath = await directories.make();
    await chmod(cachePath, 0o755);
    const cache = createFileCache({ cachePath });
    const { user } = contractKeys();
    await cache.set(user, contractEntry());
    expect(await createFileCache({ cachePath }).get(user)).toEqual(contractEntry());
  });
});

describe('the file', () => {
  it('is named after the key id, in the cache directory', async () => {
    const cachePath = await directories.make();
    const cache = createFileCache({ cachePath });
    const { user } = contractKeys();
    expect(cache.resolvedCachePath(user)).toBe(join(cachePath, `${user.id}.json`));
  });

  it('holds a versioned document with the key fields and never the client secret', async () => {
    const cache = createFileCache({ cachePath: await directories.make() });
    const { client } = contractKeys();
    await cache.set(client, contractEntry());
    const document = JSON.parse(await readFile(cache.resolvedCachePath(client)!, 'utf8'));
    expect(document.version).toBe(CACHE_FORMAT_VERSION);
    expect(document.key).toEqual({
      issuer: client.issuer,
      clientId: client.clientId,
      scopes: [],
      audience: client.audience,
      family: 'client',
    });
  });

  it('leaves no temporary file behind and removes ones a killed writer left', async () => {
    const cache = createFileCache({ cachePath: await directories.make() });
    const { user } = contractKeys();
    const path = cache.resolvedCachePath(user)!;
    const leftover = `${path}.999999.deadbeef.tmp`;
    const young = `${path}.999998.cafecafe.tmp`;
    await writeFile(leftover, '{"torn":', { mode: 0o600 });
    await writeFile(young, '{"in progress":', { mode: 0o600 });
    const longAgo = new Date(Date.now() - 10 * 60_000);
    await utimes(leftover, longAgo, longAgo);
    await cache.set(user, contractEntry());
    const names = await readdir(cache.directory);
    expect(names.sort()).toEqual([`${user.id}.json`, `${user.id}.json.999998.cafecafe.tmp`].sort());
  });

  it('rejects key ids that are not hashes, before touching the disk', async () => {
    const cache = createFileCache({ cachePath: await directories.make() });
    const { user } = contractKeys();
    const error = await rejection(cache.get({ ...user, id: '../escape' }));
    expect(error.code).toBe(ErrorCode.CONFIG_INVALID);
  });
});

describe('problems a login repairs', () => {
  it('treats a corrupt file as a miss with one warning, then replaces it', async () => {
    const warnings: string[] = [];
    const cache = createFileCache({ cachePath: await directories.make(), warn: (m) => warnings.push(m) });
    const { user } = contractKeys();
    const path = cache.resolvedCachePath(user)!;
    await mkdir(cache.directory, { recursive: true });
    await writeFile(path, '{"version": 1, "key": {', { mode: 0o600 });
    expect(await cache.get(user)).toBeUndefined();
    expect(await cache.get(user)).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(path);
    expect(warnings[0]).toContain('not valid JSON');
    await cache.set(user, contractEntry());
    expect(await cache.get(user)).toEqual(contractEntry());
    expect(warnings).toHaveLength(1);
  });

  it('treats a file of a newer format version as a miss with one warning, then replaces it', async () => {
    const warnings: string[] = [];
    const cache = createFileCache({ cachePath: await directories.make(), warn: (m) => warnings.push(m) });
    const { user } = contractKeys();
    await cache.set(user, contractEntry());
    const path = cache.resolvedCachePath(user)!;
    await writeFile(
      path,
      serializeCacheDocument(user, contractEntry()).replace('"version": 1', '"version": 7'),
    );
    expect(await cache.get(user)).toBeUndefined();
    expect(warnings).toEqual([expect.stringContaining('format version 7')]);
    await cache.set(user, contractEntry());
    expect(JSON.parse(await readFile(path, 'utf8')).version).toBe(1);
  });

  it('treats a directory in place of the file as a miss with a warning', async () => {
    const warnings: string[] = [];
    const cache = createFileCache({ cachePath: await directories.make(), warn: (m) => warnings.push(m) });
    const { user } = contractKeys();
    await mkdir(cache.resolvedCachePath(user)!, { recursive: true });
    expect(await cache.get(user)).toBeUndefined();
    expect(warnings).toEqual([expect.stringContaining('is not a file')]);
  });

  it('falls back to memory, with one warning, when the directory cannot be created', async () => {
    const warnings: string[] = [];
    const root = await directories.make();
    await writeFile(join(root, 'a-file'), 'not a directory');
    const cachePath = join(root, 'a-file', 'oidcflow');
    const cache = createFileCache({ cachePath, warn: (m) => warnings.push(m) });
    const { user } = contractKeys();
    await cache.set(user, contractEntry());
    expect(await cache.get(user)).toEqual(contractEntry());
    expect(await cache.withLock(user, async () => 'locked in process')).toBe('locked in process');
    await cache.set(user, contractEntry({ accessToken: 'fake-second' }));
    expect((await cache.get(user))?.tokens.accessToken).toBe('fake-second');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`${cachePath} cannot be written`);
    expect(warnings[0]).toContain('in memory');
    await cache.delete(user);
    expect(await cache.get(user)).toBeUndefined();
  });
});

describe('a cache directory removed while the process runs (a manual cleanup)', () => {
  it('is made again by the next write and the next lock, without a warning', async () => {
    const warnings: string[] = [];
    const cachePath = join(await directories.make(), 'oidcflow');
    const cache = createFileCache({ cachePath, warn: (m) => warnings.push(m) });
    const { user } = contractKeys();
    await cache.set(user, contractEntry());
    await rm(cachePath, { recursive: true });
    expect(await cache.withLock(user, async () => 'locked')).toBe('locked');
    await rm(cachePath, { recursive: true });
    await cache.set(user, contractEntry({ accessToken: 'fake-after-removal' }));
    expect((await createFileCache({ cachePath }).get(user))?.tokens.accessToken).toBe('fake-after-removal');
    if (posixOnly) expect(await mode(cachePath)).toBe(0o700);
    expect(warnings).toEqual([]);
  });
});

describe('options', () => {
  it('refuses a heartbeat that is not well inside the stale bound', () => {
    expect(() => createFileCache({ lockStaleSeconds: 4, lockHeartbeatSeconds: 3 })).toThrow(
      expect.objectContaining({ code: ErrorCode.CONFIG_INVALID }),
    );
    expect(() => createFileCache({ lockTimeoutSeconds: -1 })).toThrow(
      expect.objectContaining({ code: ErrorCode.CONFIG_INVALID }),
    );
  });

  it('uses the OS default directory without cachePath', () => {
    const cache = createFileCache({ env: { HOME: '/home/ada' }, platform: 'linux' });
    expect(cache.directory).toBe('/home/ada/.cache/oidcflow');
  });
});

describe('the lock, left behind by an owner this process cannot check', () => {
  const foreignOwner = (acquiredAt: number) =>
    JSON.stringify({ pid: 4242, host: 'another-host.example', acquiredAt, token: 'foreign-token' });

  async function leaveLock(cachePath: string, text: string, ageMs: number): Promise<string> {
    const cache = createFileCache({ cachePath });
    const lockPath = `${cache.resolvedCachePath(contractKeys().user)}.lock`;
    await writeFile(lockPath, text, { mode: 0o600 });
    const then = new Date(Date.now() - ageMs);
    await utimes(lockPath, then, then);
    return lockPath;
  }

  it('an unreadable owner is taken over once the file is older than lockStaleSeconds', async () => {
    const cachePath = await directories.make();
    await leaveLock(cachePath, '{"pid": "torn', 120_000);
    const cache = createFileCache({ cachePath, lockTimeoutSeconds: 10, lockStaleSeconds: 30 });
    expect(await cache.withLock(contractKeys().user, async () => 'taken over')).toBe('taken over');
  });

  it('an owner on another host is taken over only after lockMaxHoldSeconds, however silent', async () => {
    const cachePath = await directories.make();
    // Untouched for 2 minutes (4 × lockStaleSeconds): silence is no proof the holder is gone.
    await leaveLock(cachePath, foreignOwner(Date.now() - 120_000), 120_000);
    const waiting = createFileCache({ cachePath, lockTimeoutSeconds: 0.5, lockStaleSeconds: 30 });
    const error = await rejection(waiting.withLock(contractKeys().user, async () => 'never'));
    expect(error.code).toBe(ErrorCode.CACHE_LOCK_TIMEOUT);
    const bounded = createFileCache({ cachePath, lockTimeoutSeconds: 10, lockMaxHoldSeconds: 60 });
    expect(await bounded.withLock(contractKeys().user, async () => 'taken over')).toBe('taken over');
  });

  it('is respected while it is younger than lockStaleSeconds (its owner may be working elsewhere)', async () => {
    const cachePath = await directories.make();
    const lockPath = await leaveLock(cachePath, foreignOwner(Date.now()), 0);
    const cache = createFileCache({ cachePath, lockTimeoutSeconds: 0.3, lockStaleSeconds: 30 });
    const error = await rejection(cache.withLock(contractKeys().user, async () => 'never'));
    expect(error.code).toBe(ErrorCode.CACHE_LOCK_TIMEOUT);
    expect(error.message).toContain('another-host.example');
    expect(error.message).toContain(`delete ${lockPath}`);
  });

  it('is created 0600 and removed on release', async () => {
    const cachePath = await directories.make();
    const cache = createFileCache({ cachePath });
    const lockPath = `${cache.resolvedCachePath(contractKeys().user)}.lock`;
    const lockMode = await cache.withLock(contractKeys().user, () => mode(lockPath));
    if (posixOnly) expect(lockMode).toBe(0o600);
    await expect(stat(lockPath)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
