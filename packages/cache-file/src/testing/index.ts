export {
  type CacheContractSubject,
  contractEntry,
  contractKeys,
  describeCacheContract,
} from './cache-contract.js';
