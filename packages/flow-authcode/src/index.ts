export {
  AUTH_CODE_FLOW_NAME,
  type AuthCodeFlowOptions,
  createAuthCodeFlow,
  createPlugin,
} from './flow/auth-code-flow.js';
export { checkCallback, type ExpectedCallback } from './flow/check-callback.js';
export { runAuthCodeLogin } from './flow/run-auth-code.js';
export { type CallbackTarget, callbackTarget, DEFAULT_CALLBACK_PATH } from './listener/callback-target.js';
export {
  type CallbackVerdict,
  LoopbackListener,
  type LoopbackListenerOptions,
  type ReceivedCallback,
} from './listener/loopback-listener.js';
export {
  failurePage,
  PAGE_HEADERS,
  type ResultPage,
  renderResultPage,
  successPage,
} from './pages/result-page.js';
