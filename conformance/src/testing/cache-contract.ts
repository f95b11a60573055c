import { type CacheContractSubject, describeCacheContract } from '@oidcflow/cache-file/testing';
import type { CacheFactoryOptions, CachePlugin } from '@oidcflow/core';
import { describe } from 'vitest';
import { type FirstPartyFlow, subjectsForCacheFactory } from '../matrix/subjects.js';
import { declareMatrixTests } from './declare-matrix.js';
import { type ContractOptions, DEFAULT_CONTRACT_TARGETS, scenarioOptions } from './flow-contract.js';

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
  describe(`cache plugin scenarios: ${name}`, () => {
    declareMatrixTests({
      subjects: subjectsForCacheFactory(factory, {
        label: name,
        ...(options.module ? { module: options.module } : {}),
        ...(options.withFlows ? { withFlows: options.withFlows } : {}),
      }),
      targets: options.targets ?? DEFAULT_CONTRACT_TARGETS,
      ...scenarioOptions(options),
    });
  });
}

export { type CacheContractSubject, describeCacheContract };
