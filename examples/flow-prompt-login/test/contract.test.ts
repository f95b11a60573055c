// The whole flow plugin contract in a few lines: its declaration, then every browser-flow
// scenario against the embedded oidc-provider, driven by Chromium through ports.openUrl.
import { runFlowContract } from '@oidcflow/conformance/testing';
import { createPlugin } from '../src/index.js';

await runFlowContract(createPlugin(), {
  module: new URL('../dist/index.js', import.meta.url).href,
  targets: ['oidc-provider-http'],
});
