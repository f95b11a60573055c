import type { completeAuthorizationWithoutBrowser as CompleteFn } from '@oidcflow/test-idp';
import {
  type FlowPlugin,
  type FlowRunContext,
  SPECIFICATION_VERSION,
  tokenSetFromResponse,
  toSearchParams,
} from '../src/index.js';
import type { OpenIdSession } from '../src/protocol/openid-session.js';

/**
 * A real authorization code + PKCE flow without a browser: the test IdP's pages are
 * completed with fetch. Lets core's lifecycle tests get real refresh tokens.
 *
 * Written against plugin specification v1 on purpose (`interactive`, `context.openid`): every
 * lifecycle test that uses it goes through core's v1 adapter.
 */
export function headlessAuthCodeFlow(
  complete: typeof CompleteFn,
  user: { login: string; password: string },
  counter: { runs: number } = { runs: 0 },
): FlowPlugin {
  const v1Flow = {
    kind: 'flow',
    specificationVersion: 'v1',
    name: 'headless_code',
    interactive: true,
    needsBrowser: false,
    family: 'user',
    priority: 1,
    supports: (context: Parameters<FlowPlugin['supports']>[0]) =>
      context.metadata.authorization_endpoint
        ? { supported: true, reason: 'authorization endpoint present' }
        : { supported: false, reason: 'no authorization_endpoint' },
    async run(context: FlowRunContext & { openid: OpenIdSession }) {
      counter.runs += 1;
      const { client, configuration } = context.openid;
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const redirectUri = 'http://127.0.0.1:1/callback';
      const url = client.buildAuthorizationUrl(configuration, {
        redirect_uri: redirectUri,
        scope: context.scopes.join(' '),
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
        ...Object.fromEntries(toSearchParams(context.adjustments.authorizationParameters)),
      });
      const callback = await complete(url.href, user);
      const response = await client.authorizationCodeGrant(
        configuration,
        new URL(callback),
        { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce },
        toSearchParams(context.adjustments.tokenParameters),
      );
      return tokenSetFromResponse(response, context.ports.clock.now());
    },
  };
  return v1Flow as unknown as FlowPlugin;
}

/**
 * The same login written against the current specification: every request goes through
 * `context.protocol` (core's port), so options core applies there (DPoP proofs) apply to it.
 */
export function headlessPortFlow(
  complete: typeof CompleteFn,
  user: { login: string; password: string },
  counter: { runs: number } = { runs: 0 },
): FlowPlugin {
  return {
    kind: 'flow',
    specificationVersion: SPECIFICATION_VERSION,
    name: 'headless_port_code',
    needsBrowser: false,
    family: 'user',
    priority: 1,
    supports: (context) =>
      context.metadata.authorization_endpoint
        ? { supported: true, reason: 'authorization endpoint present' }
        : { supported: false, reason: 'no authorization_endpoint' },
    async run(context) {
      counter.runs += 1;
      const request = await context.protocol.authorizationRequest({
        redirectUri: 'http://127.0.0.1:1/callback',
        parameters: context.adjustments.authorizationParameters,
      });
      const callbackUrl = await complete(request.url, user);
      return context.protocol.exchangeCode({
        callbackUrl,
        request,
        parameters: context.adjustments.tokenParameters,
      });
    },
  };
}

/**
 * A real device flow (RFC 8628) without a terminal: the device authorization goes through
 * `context.protocol`, `approve` walks the IdP's verification page (with the cookies of the
 * browser it is approved in), then the token endpoint is polled once the approval is done.
 * `shown` is called where the device flow shows the code (after core's notice, if any).
 */
export function headlessDeviceFlow(
  approve: (verificationUri: string, userCode: string) => Promise<void>,
  shown: () => void = () => {},
): FlowPlugin {
  return {
    kind: 'flow',
    specificationVersion: SPECIFICATION_VERSION,
    name: 'headless_device',
    needsBrowser: false,
    family: 'user',
    priority: 1,
    supports: (context) =>
      context.metadata.device_authorization_endpoint
        ? { supported: true, reason: 'device authorization endpoint present' }
        : { supported: false, reason: 'no device_authorization_endpoint' },
    async run(context) {
      const authorization = await context.protocol.startDeviceAuthorization(
        context.adjustments.authorizationParameters,
      );
      shown();
      await approve(authorization.verificationUri, authorization.userCode);
      const outcome = await context.protocol.pollDeviceAuthorization(
        authorization.deviceCode,
        context.adjustments.tokenParameters,
      );
      if (outcome.kind !== 'tokens') throw new Error(`the approved device code polled as ${outcome.kind}`);
      return outcome.tokens;
    },
  };
}
