// The `./lazy` entry: the synchronous factory for `oidcflow-conformance --plugin`. It takes its
// code from the package's main entry, so the bundle keeps all of it in that one file: a cache
// hit through core (which imports the main entry) loads one module of this package, not two.
// Each ES module a new process loads costs its own resolution, compilation and allocation
// (bench/RESULTS.md, "Keyring cache hit and the single executable").
import type { CachePlugin } from '@oidcflow/core';
import { createLazyKeyringCache } from './index.js';
import type { KeyringCacheOptions } from './options.js';

export { createLazyKeyringCache };

/** A synchronous factory (see createLazyKeyringCache), for `oidcflow-conformance --plugin`. */
export const createPlugin = (options: KeyringCacheOptions = {}): CachePlugin =>
  createLazyKeyringCache(options);
