export {
  DEFAULT_INTERVAL_SECONDS,
  DEVICE_CODE_GRANT_TYPE,
  DEVICE_FLOW_NAME,
  SLOW_DOWN_INCREMENT_SECONDS,
} from './flow/constants.js';
export { createDeviceFlow, createPlugin, type DeviceFlowOptions } from './flow/device-flow.js';
export { type PollOptions, pollForTokens } from './flow/poll-for-tokens.js';
export { type DeviceLoginOptions, runDeviceLogin } from './flow/run-device-login.js';
export { type DeviceAuthorization, startDeviceAuthorization } from './flow/start-device-authorization.js';
export type { DeviceVerification } from './prompt/device-verification.js';
