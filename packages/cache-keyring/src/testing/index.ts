export { forgetKernelKeysUnder } from './kernel-keys.js';
export {
  keyringRequired,
  keyutilsMissing,
  type SecretService,
  secretServiceMissing,
  startSecretService,
  useSecretServiceInThisProcess,
  withoutDbusSession,
} from './secret-service.js';
