import { ErrorCode, type IdpPlugin, SPECIFICATION_VERSION } from '@oidcflow/core';
import { startGoogleStyleDeviceProxy } from '../support/google-device-proxy.js';
import { check, expectErrorCode, type Scenario } from './scenario.js';

/**
 * What an IdP plugin for Google does about its device endpoint: RFC 8628 names the page
 * `verification_uri`, Google sends `verification_url`, and the response check refuses an answer
 * without the former. The harness uses it when the plugin under test brings no such fix.
 */
const googleStyleDevicePlugin: IdpPlugin = {
  kind: 'idp',
  specificationVersion: SPECIFICATION_VERSION,
  name: 'google-style-device-response',
  matches: () => true,
  adjustDeviceAuthorizationResponse(body) {
    if (body.verification_uri !== undefined || typeof body.verification_url !== 'string') return body;
    const { verification_url, ...rest } = body;
    return { ...rest, verification_uri: verification_url };
  },
};

export const deviceVerificationUrl: Scenario = {
  name: 'device verification_url',
  summary:
    "a device endpoint that answers like Google's (verification_url) is refused without an IdP plugin's fix and logs in with it",
  flowKinds: ['device'],
  forIdpPlugins: true,
  notApplicable(target, subject) {
    // The hook under test is core's and the IdP plugin's, not the IdP's: one target shows it.
    // (The renaming proxy forwards plain HTTP; Keycloak's local run would qualify but was not
    // tried yet on a machine where it started.)
    if (target.name !== 'oidc-provider-http')
      return 'shown on oidc-provider-http, behind a proxy that renames verification_uri the way Google does';
    if (subject.idpPlugin && !subject.idpPlugin.adjustDeviceAuthorizationResponse)
      return 'this IdP plugin has no adjustDeviceAuthorizationResponse';
    return undefined;
  },
  async run(cell) {
    const metadata = await cell.metadata();
    const endpoint = metadata.device_authorization_endpoint;
    check(typeof endpoint === 'string', "the IdP's metadata has no device_authorization_endpoint");
    const proxy = await startGoogleStyleDeviceProxy(endpoint);
    try {
      const deviceAuthorizationEndpoint = proxy.url;
      // Without a fix the answer is refused: proof that the proxy answers like Google.
      const withoutFix = [cell.cache, ...(cell.subject.flowPlugin ? [cell.subject.flowPlugin] : [])];
      const refused = await expectErrorCode(
        () => cell.auth({ deviceAuthorizationEndpoint, plugins: withoutFix }).getTokens(),
        ErrorCode.TOKEN_RESPONSE_INVALID,
      );
      check(proxy.renamed() === 1, `the proxy renamed ${proxy.renamed()} answers, expected 1`);
      // With the IdP plugin under test (forced to match), else the harness's Google-style plugin.
      const extra = cell.subject.idpPlugin ? [] : [googleStyleDevicePlugin];
      const { tokens } = await cell.logIn({
        deviceAuthorizationEndpoint,
        plugins: cell.plugins(extra),
      });
      check(tokens.accessToken.length > 0, 'no access token');
      check(
        proxy.renamed() === 2,
        `the login did not go through the renaming proxy (${proxy.renamed()} answers)`,
      );
      const plugin = cell.subject.idpPlugin?.name ?? googleStyleDevicePlugin.name;
      return `without a fix: ${refused.code}; with ${plugin}: logged in through the Google-style device endpoint`;
    } finally {
      await proxy.stop();
    }
  },
};
