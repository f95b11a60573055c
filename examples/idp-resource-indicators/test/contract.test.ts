// The whole IdP plugin contract in a few lines: its declaration, then login, refresh and
// audience with this plugin against the embedded oidc-provider (which takes RFC 8707 resources).
import { runIdpContract } from '@oidcflow/conformance/testing';
import { createPlugin } from '../src/index.js';

await runIdpContract(createPlugin(), {
  matchingIssuer: 'https://acme.login.example.com/',
  module: new URL('../dist/index.js', import.meta.url).href,
  targets: ['oidc-provider-http'],
});
