import type {
  CacheEntry,
  CacheKey,
  CacheLockOptions,
  CachePlugin,
  SpecificationVersion,
} from '@oidcflow/core';
import { defineCache, ErrorCode, frozenCopy, OidcflowError, warnOnce } from '@oidcflow/core';
import { MAX_CACHE_FILE_BYTES, parseCacheDocument, serializeCacheDocument } from './format/cache-document.js';
import { resolveCacheDirectory } from './location/cache-directory.js';
import type { LockTiming } from './lock/file-lock.js';
import { FILE_CACHE_DEFAULTS, type FileCacheOptions } from './options.js';
import { assertPrivateDirectory, assertPrivateFile } from './storage/permissions.js';
import { createSameBytesCheck } from './storage/same-bytes.js';

// Built-ins through process.getBuiltinModule, not `import`: an ES import of node:fs builds a
// module facade over its hundred-odd exports, about 1.5 ms of every new process's cache hit.
const { closeSync, fstatSync, lstatSync, openSync, readFileSync } = process.getBuiltinModule('node:fs');
// node:fs/promises only when a write, a delete or the cleanup needs it: nothing on a hit does,
// and loading it (internal modules not in Node's startup snapshot) costs 1.3 ms of a new
// process's hit (Node 24, median of 7; measured by the sea-start engineer, 2026-12-07).
const fsPromises = () => process.getBuiltinModule('node:fs/promises');
const { join } = process.getBuiltinModule('node:path');

export const FILE_CACHE_NAME = 'file';
/** The plugin specification this cache was written for (not the installed core's constant). */
const WRITTEN_FOR: SpecificationVersion = 'v2';

/** A file cache: the `CachePlugin` contract plus the directory it uses. */
export interface FileCache extends CachePlugin {
  /** The directory that holds the cache files (after `~` expansion and the OS default). */
  readonly directory: string;
  /** A lock per key in the directory, which every process using it respects. */
  withLock<T>(key: CacheKey, critical: () => Promise<T>, options?: CacheLockOptions): Promise<T>;
  /** The entry's file. */
  resolvedCachePath(key: CacheKey): string | undefined;
}

/** Key ids become file names; anything else than these characters would be a path trick. */
const SAFE_KEY_ID = /^[A-Za-z0-9_-]{1,128}$/;
/** Temporary files older than this were left by a process that died mid-write. */
const LEFTOVER_TEMPORARY_MS = 60_000;

const errnoOf = (error: unknown) => (error as NodeJS.ErrnoException | null)?.code;
const isErrno = (error: unknown) => typeof errnoOf(error) === 'string' && !OidcflowError.isInstance(error);

function lockTiming(options: FileCacheOptions): LockTiming {
  const seconds = (name: keyof typeof FILE_CACHE_DEFAULTS) => {
    const value = options[name] ?? FILE_CACHE_DEFAULTS[name];
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new OidcflowError(
        ErrorCode.CONFIG_INVALID,
        `${name} must be a positive number of seconds (got ${String(value)}).`,
      );
    }
    return value * 1000;
  };
  const timing = {
    timeoutMs: seconds('lockTimeoutSeconds'),
    staleMs: seconds('lockStaleSeconds'),
    maxHoldMs: seconds('lockMaxHoldSeconds'),
    heartbeatMs: seconds('lockHeartbeatSeconds'),
  };
  if (timing.heartbeatMs * 2 > timing.staleMs) {
    throw new OidcflowError(
      ErrorCode.CONFIG_INVALID,
      `lockHeartbeatSeconds (${timing.heartbeatMs / 1000}) must be at most half of lockStaleSeconds (${timing.staleMs / 1000}), or a working lock owner would look dead.`,
    );
  }
  return timing;
}

/**
 * The on-disk token cache: one JSON file per key in a private directory, written atomically,
 * with a lock per key that every process using the directory respects.
 *
 * Only `get` is on the cache-hit path: it opens one file, checks its mode, reads and parses
 * it. The lock and the writer load on first use.
 *
 * Entries handed out are frozen, and the same object is handed out again while the file's
 * bytes stay the same: a repeated `get` in one process reads the file into a reused buffer and
 * compares (no string, no parse, no copy), so it still sees what other processes wrote,
 * removed or replaced since, on the very next call.
 */
export function createFileCache(options: FileCacheOptions = {}): FileCache {
  const env = options.env ?? process.env;
  const directory = resolveCacheDirectory(options.cachePath, env, options.platform ?? process.platform);
  const timing = lockTiming(options);
  // Each warning once per instance: a directory that cannot be written fails every set.
  const warned = new Set<string>();
  const sink = options.warn && { warn: options.warn };
  const warn = (message: string) => warnOnce(sink, message, message, warned);
  /** Entries that could not be written to disk (frozen): kept for this process, with a warning. */
  const memory = new Map<string, CacheEntry>();
  /**
   * The last entry read per key (frozen), with the key object asked for, the file and the
   * text it was parsed from (its bytes made on the second `get`, for the comparison). Reused
   * only for the same key object and byte-identical file contents. Not kept with a codec:
   * decoding may depend on more than the bytes (a keyring's key).
   */
  const lastRead = new Map<
    string,
    { key: CacheKey; path: string; text: string; bytes?: Buffer; answer: Promise<CacheEntry | undefined> }
  >();
  const sameBytes = createSameBytesCheck();
  let directoryChecked = false;
  /** The directory was created (or found) and checked by this instance: later writes skip mkdir. */
  let directoryReady = false;
  /** Keys whose leftover temporary files were already looked for by this instance. */
  const leftoversSwept = new Set<string>();

  const fileNameOf = (key: CacheKey) => {
    if (!SAFE_KEY_ID.test(key.id)) {
      throw new OidcflowError(
        ErrorCode.CONFIG_INVALID,
        `The cache key id ${JSON.stringify(key.id)} is not a hash (letters, digits, - and _ only). Build keys with cacheKeyFor().`,
      );
    }
    return key.id;
  };
  const fileExtension = options.codec?.fileExtension ?? '.json';
  const filePath = (key: CacheKey) => join(directory, `${fileNameOf(key)}${fileExtension}`);

  const warnUnwritable = (error: unknown) =>
    warn(
      `the token cache directory ${directory} cannot be written (${errnoOf(error) ?? 'error'}); ` +
        'tokens are kept in memory for this process only. Set cachePath to a directory you can write.',
    );

  /** Creates the directory (0700) when missing. Returns the error when it cannot be used. */
  async function ensureDirectory(): Promise<unknown> {
    if (directoryReady) return undefined;
    try {
      await fsPromises().mkdir(directory, { recursive: true, mode: 0o700 });
      // lstat: a symbolic link is refused, not followed (assertPrivateDirectory).
      const stats = await fsPromises().lstat(directory);
      if (!stats.isDirectory() && !stats.isSymbolicLink())
        return Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
      assertPrivateDirectory(directory, stats);
      directoryChecked = true;
      directoryReady = true;
      return undefined;
    } catch (error) {
      if (!isErrno(error)) throw error;
      return error;
    }
  }

  /**
   * Runs `operation` in the cache directory, creating it first. When the directory vanished
   * since this instance made it (someone removed the cache), it is made again, once.
   * Resolves with the file-system error when the directory cannot be used.
   */
  async function inDirectory(operation: () => Promise<void>): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      const problem = await ensureDirectory();
      if (problem !== undefined) return problem;
      try {
        await operation();
        return undefined;
      } catch (error) {
        if (!isErrno(error)) throw error;
        if (errnoOf(error) !== 'ENOENT' || attempt >= 2) return error;
        directoryReady = false;
      }
    }
  }

  async function removeLeftovers(key: CacheKey): Promise<void> {
    const { isTemporaryFileOf } = await import('./storage/atomic-write.js');
    const target = filePath(key);
    const names = await fsPromises()
      .readdir(directory)
      .catch(() => [] as string[]);
    const now = Date.now();
    for (const name of names) {
      if (!isTemporaryFileOf(name, target) && !isTemporaryFileOf(name, `${target}.lock`)) continue;
      const path = join(directory, name);
      const stats = await fsPromises()
        .stat(path)
        .catch(() => undefined);
      if (stats && now - stats.mtimeMs > LEFTOVER_TEMPORARY_MS)
        await fsPromises()
          .unlink(path)
          .catch(() => undefined);
    }
  }

  /**
   * The cache file's text, or undefined (with a warning when it exists but cannot be used).
   * Synchronous on purpose: the file is small (MAX_CACHE_FILE_BYTES) and local, and this is
   * the whole cache hit. Five thread-pool round trips (open, stat, the directory's lstat, read,
   * close) cost more than the reads themselves, most of all in a new process on a busy machine.
   */
  function readFileText(path: string): string | undefined {
    let descriptor: number;
    try {
      descriptor = openSync(path, 'r');
    } catch (error) {
      if (errnoOf(error) !== 'ENOENT') {
        warn(
          `the token cache file ${path} cannot be read (${errnoOf(error) ?? 'error'}); logging in again instead.`,
        );
      }
      return undefined;
    }
    try {
      const stats = fstatSync(descriptor);
      if (!directoryChecked) {
        assertPrivateDirectory(directory, lstatSync(directory));
        directoryChecked = true;
      }
      if (!stats.isFile()) {
        warn(`${path} is not a file; remove it so the token cache can use its name.`);
        return undefined;
      }
      assertPrivateFile(path, stats);
      if (stats.size > MAX_CACHE_FILE_BYTES) {
        warn(
          `ignoring the token cache file ${path}: it is too large to be a token cache. It will be replaced at the next login.`,
        );
        return undefined;
      }
      // As text in one call: Node 20 reads and decodes UTF-8 natively that way, where reading a
      // Buffer first runs its JavaScript read loop (first call of a new process, a cache file:
      // 0.09 against 0.33 ms on Node 20; 0.02 against 0.03 on Node 24).
      return readFileSync(descriptor, 'utf8');
    } catch (error) {
      if (!isErrno(error)) throw error;
      warn(`the token cache file ${path} cannot be read (${errnoOf(error)}); logging in again instead.`);
      return undefined;
    } finally {
      try {
        closeSync(descriptor);
      } catch {
        // Closing a descriptor only read from cannot lose data.
      }
    }
  }

  /** `get` reading the file: checks, decoding and parsing, then remembered for the next hit. */
  async function readEntry(key: CacheKey): Promise<CacheEntry | undefined> {
    const remembered = memory.get(key.id);
    if (remembered) return remembered;
    const path = filePath(key);
    const stored = readFileText(path);
    if (stored === undefined) {
      lastRead.delete(key.id);
      return undefined;
    }
    const decoded = options.codec ? await options.codec.decode(stored, key) : { text: stored };
    if ('problem' in decoded) {
      warn(
        `ignoring the token cache file ${path}: ${decoded.problem}. It will be replaced at the next login.`,
      );
      return undefined;
    }
    const result = parseCacheDocument(decoded.text, key);
    if ('problem' in result) {
      lastRead.delete(key.id);
      warn(
        `ignoring the token cache file ${path}: ${result.problem}. It will be replaced at the next login.`,
      );
      return undefined;
    }
    const entry = frozenCopy(result.entry);
    if (!options.codec) lastRead.set(key.id, { key, path, text: stored, answer: Promise.resolve(entry) });
    return entry;
  }

  return defineCache(WRITTEN_FOR, {
    name: FILE_CACHE_NAME,
    directory,

    get(key) {
      const last = lastRead.get(key.id);
      // The common hit, allocating nothing: the same key object, the same bytes on disk, and
      // the promise made when they were parsed handed out again.
      if (last && last.key === key && !memory.has(key.id)) {
        // The bytes to compare with are made once, on the first repeated `get` (a program that
        // asks once per process, the common case, never needs them).
        last.bytes ??= Buffer.from(last.text, 'utf8');
        if (sameBytes(last.path, last.bytes)) return last.answer;
      }
      return readEntry(key);
    },

    async set(key, entry) {
      lastRead.delete(key.id);
      const path = filePath(key);
      const document = serializeCacheDocument(key, entry);
      const text = options.codec ? await options.codec.encode(document, key) : document;
      const { writeFileAtomically } = await import('./storage/atomic-write.js');
      const problem = await inDirectory(() => writeFileAtomically(path, text));
      if (problem !== undefined) {
        warnUnwritable(problem);
        memory.set(key.id, frozenCopy(entry));
        return;
      }
      memory.delete(key.id);
      // Leftovers come from processes that died before this one wrote: one look per key is enough.
      if (!leftoversSwept.has(key.id)) {
        leftoversSwept.add(key.id);
        await removeLeftovers(key);
      }
    },

    async delete(key) {
      memory.delete(key.id);
      lastRead.delete(key.id);
      const path = filePath(key);
      try {
        await fsPromises().unlink(path);
      } catch (error) {
        if (errnoOf(error) !== 'ENOENT') {
          warn(
            `the token cache file ${path} could not be removed (${errnoOf(error) ?? 'error'}); delete it by hand to log out completely.`,
          );
        }
      }
    },

    async withLock<T>(key: CacheKey, critical: () => Promise<T>, lockOptions?: CacheLockOptions): Promise<T> {
      const lockPath = `${filePath(key)}.lock`;
      const signal = lockOptions?.signal;
      const startedAt = Date.now();
      const deadline = startedAt + timing.timeoutMs;
      const [{ takeTurn }, fileLock] = await Promise.all([
        import('./lock/process-queue.js'),
        import('./lock/file-lock.js'),
      ]);
      const turn = await takeTurn(lockPath, (previous) =>
        waitForTurn(previous, { lockPath, startedAt, deadline, signal, fileLock }),
      );
      try {
        let held: { release(): Promise<void> } | undefined;
        const problem = await inDirectory(async () => {
          held = await fileLock.acquireFileLock(lockPath, {
            timing,
            startedAt,
            deadline,
            warn,
            ...(signal ? { signal } : {}),
          });
        });
        // Without a usable directory there is nothing to share with other processes: the
        // in-process queue above still serialises this process's callers.
        if (problem !== undefined) warnUnwritable(problem);
        try {
          return await critical();
        } finally {
          await held?.release();
        }
      } finally {
        turn.release();
      }
    },

    resolvedCachePath(key) {
      return filePath(key);
    },
  });
}

/** Waits for earlier callers in this process, within the same deadline and signal as the file lock. */
function waitForTurn(
  previous: Promise<void>,
  context: {
    lockPath: string;
    startedAt: number;
    deadline: number;
    signal: AbortSignal | undefined;
    fileLock: typeof import('./lock/file-lock.js');
  },
): Promise<void> {
  const { lockPath, startedAt, deadline, signal, fileLock } = context;
  if (signal?.aborted) return Promise.reject(fileLock.abortedWhileWaiting(lockPath, signal.reason));
  return new Promise<void>((resolve, reject) => {
    const finish = (outcome: () => void) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      outcome();
    };
    const onAbort = () => finish(() => reject(fileLock.abortedWhileWaiting(lockPath, signal?.reason)));
    const timer = setTimeout(
      () => finish(() => reject(fileLock.lockTimeout(lockPath, Date.now() - startedAt))),
      Math.min(Math.max(0, deadline - Date.now()), 2 ** 31 - 1),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
    previous.then(() => finish(resolve));
  });
}
