// The grant type is core's (its protocol port sends it); re-exported for callers that count polls.
export { DEVICE_CODE_GRANT_TYPE } from '@oidcflow/core';
export { createDeviceFlow, createPlugin, type DeviceFlowOptions } from './flow/device-flow.js';
export type { DeviceVerification } from './prompt/device-verification.js';
