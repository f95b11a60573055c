export { createDeviceFlow, createPlugin, type DeviceFlowOptions } from './flow/device-flow.js';
export type { DeviceVerification } from './prompt/prompt.js';
