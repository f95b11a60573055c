import { defineFlow, type FlowPlugin, type FlowPluginFactory } from '@oidcflow/core';
import { runAuthCodeLogin } from './run-auth-code.js';

/** The plugin specification this flow was written for (not the installed core's constant). */
const WRITTEN_FOR = 'v2';

export const AUTH_CODE_FLOW_NAME = 'auth_code';

export interface AuthCodeFlowOptions {
  /** Rank among the flows `auto` may pick; the device flow has 50. @default 100 */
  priority?: number;
}

const supports: FlowPlugin['supports'] = (context) =>
  context.metadata.authorization_endpoint
    ? { supported: true, reason: 'the IdP has an authorization endpoint' }
    : {
        supported: false,
        reason: 'the IdP advertises no authorization_endpoint (set the authorizationEndpoint option)',
      };

/** The authorization code + PKCE flow over a loopback listener, for explicit registration. */
export function createAuthCodeFlow(options: AuthCodeFlowOptions = {}): FlowPlugin {
  return defineFlow(WRITTEN_FOR, {
    name: AUTH_CODE_FLOW_NAME,
    needsBrowser: true,
    priority: options.priority ?? 100,
    supports,
    run: runAuthCodeLogin,
  });
}

/** What core loads when @oidcflow/flow-authcode is installed. */
export const createPlugin: FlowPluginFactory = () => createAuthCodeFlow();
