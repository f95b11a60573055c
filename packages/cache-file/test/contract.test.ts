import { createMemoryCache } from '@oidcflow/core';
import { createFileCache, type FileCache } from '../src/index.js';
import { describeCacheContract } from '../src/testing/index.js';
import { temporaryDirectories } from './temporary-directory.js';

const directories = temporaryDirectories();

describeCacheContract('@oidcflow/cache-file', {
  async create() {
    return createFileCache({ cachePath: await directories.make() });
  },
  createPeer(cache) {
    return createFileCache({ cachePath: (cache as FileCache).directory });
  },
  async dispose() {
    await directories.removeAll();
  },
  abortableLock: true,
});

// The suite is generic: core's in-memory fallback passes it too.
describeCacheContract("@oidcflow/core's memory cache", { create: () => createMemoryCache() });
