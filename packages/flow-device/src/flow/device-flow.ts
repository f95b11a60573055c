import { defineFlow, type FlowPlugin, type FlowPluginFactory } from '@oidcflow/core';
import type { DeviceVerification } from '../prompt/prompt.js';
import { DEVICE_FLOW_NAME, DEVICE_FLOW_PRIORITY } from './constants.js';
import { runDeviceLogin } from './run-device-login.js';

/** The plugin specification this flow was written for (not the installed core's constant). */
const WRITTEN_FOR = 'v2';

export interface DeviceFlowOptions {
  /**
   * Shows the user code the caller's own way (a GUI dialog, an SDK event) instead of the
   * terminal prompt, which is then not written at all. Polling starts once it returns (or its
   * promise settles); a throw ends the login with that error. The browser is still opened
   * when `openBrowser` allows it.
   */
  onVerification?: (verification: DeviceVerification) => void | Promise<void>;
  /** On a terminal, show a QR code of the verification link. @default true */
  qrCode?: boolean;
  /** Rank among the flows `auto` may pick; auth_code has 100. @default 50 */
  priority?: number;
}

const supports: FlowPlugin['supports'] = (context) =>
  context.metadata.device_authorization_endpoint
    ? { supported: true, reason: 'the IdP has a device authorization endpoint' }
    : {
        supported: false,
        reason:
          'the IdP advertises no device_authorization_endpoint (set the deviceAuthorizationEndpoint option)',
      };

/** The device authorization grant (RFC 8628), for explicit registration with options. */
export function createDeviceFlow(options: DeviceFlowOptions = {}): FlowPlugin {
  const loginOptions = {
    qrCode: options.qrCode ?? true,
    ...(options.onVerification ? { onVerification: options.onVerification } : {}),
  };
  return defineFlow(WRITTEN_FOR, {
    name: DEVICE_FLOW_NAME,
    priority: options.priority ?? DEVICE_FLOW_PRIORITY,
    supports,
    run: (context) => runDeviceLogin(context, loginOptions),
  });
}

/** What core loads when @oidcflow/flow-device is installed. */
export const createPlugin: FlowPluginFactory = () => createDeviceFlow();
