import { type CacheContractSubject, describeCacheContract } from '@oidcflow/cache-file/testing';
import type { CacheFactoryOptions, CachePlugin } from '@oidcflow/core';
import type { FirstPartyFlow } from '../matrix/subject.js';
import { subjectsForCacheFactory } from '../matrix/subjects.js';
import { type ContractOptions, describeContractScenarios } from './contract.js';

export interface CacheContractOptions extends ContractOptions {
  /** Also run the scenarios that exercise a cache (login, reuse, refresh, logout, race) with this factory. */
  factory?: (options: CacheFactoryOptions) => CachePlugin;
  /** First-party flows to run the scenarios with. @default ['auth_code'] */
  withFlows?: readonly FirstPartyFlow[];
}

/**
 * The cache plugin contract: @oidcflow/cache-file's storage and locking suite, and, given
 * a `factory`, the cache scenarios against the embedded IdPs (with `module`, also the
 * cross-process race).
 *
 * ```ts
 * import { runCacheContract } from '@oidcflow/conformance/testing';
 * runCacheContract('my cache', { create: () => createMyCache({ cachePath: tmp() }) }, {
 *   factory: createMyCache, module: new URL('../dist/index.js', import.meta.url).href,
 * });
 * ```
 */
export function runCacheContract(
  name: string,
  subject: CacheContractSubject,
  options: CacheContractOptions = {},
): void {
  describeCacheContract(name, subject);
  const { factory } = options;
  if (!factory) return;
  describeContractScenarios(
    `cache plugin scenarios: ${name}`,
    subjectsForCacheFactory(factory, {
      label: name,
      ...(options.module ? { module: options.module } : {}),
      ...(options.withFlows ? { withFlows: options.withFlows } : {}),
    }),
    options,
  );
}

export { type CacheContractSubject, describeCacheContract };
