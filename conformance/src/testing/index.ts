// The contract suites, for vitest test files (this entry imports vitest; the main entry does not).
export {
  type CacheContractOptions,
  type CacheContractSubject,
  describeCacheContract,
  runCacheContract,
} from './cache-contract.js';
export { type ContractOptions, DEFAULT_CONTRACT_TARGETS } from './contract.js';
export { declareMatrixTests, type MatrixTestOptions } from './declare-matrix.js';
export { runFlowContract } from './flow-contract.js';
export { type IdpContractOptions, runIdpContract } from './idp-contract.js';
export { matrixSubjects } from './matrix-subjects.js';
export {
  spendPlatformToken,
  type TokenAnswer,
  tryWorkloadRequests,
  type WorkloadRequestResults,
} from './workload-requests.js';
