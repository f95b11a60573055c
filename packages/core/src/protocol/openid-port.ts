import { ErrorCode } from '../errors/codes.js';
import { OidcflowError } from '../errors/oidcflow-error.js';
import { terminalText } from '../errors/terminal-text.js';
import type { Logger } from '../ports/logger.js';
import type * as Protocol from '../spec/protocol.js';
import { DEVICE_CODE_GRANT_TYPE } from '../spec/protocol.js';
import type { TokenSet } from '../spec/tokens.js';
import { classifyPollError, deviceAuthorizationError } from './classify-response-error.js';
import { toOidcflowError } from './oauth-errors.js';
import type { DPoPHandle, OpenIdSession } from './openid-session.js';
import { toSearchParams } from './search-params.js';
import { tokenSetFromResponse } from './token-set.js';

export interface ProtocolPortOptions {
  /** Scopes of this login, used when a call gives none. */
  scopes: readonly string[];
  /** The flow whose requests these are, named in errors. */
  flow?: string;
  now: () => number;
  /** Where a clamped lifetime from the IdP is reported (once). */
  log?: Pick<Logger, 'warn'>;
  /** Proves possession of the entry's DPoP key on every token request (RFC 9449). */
  dpop?: DPoPHandle;
}

/** Where the v1 adapter finds openid-client for a flow written against specification v1. */
const SESSION = Symbol.for('oidcflow.protocol.session');

/** The openid-client session behind a port core made (for the specification v1 adapter only). */
export function sessionOfPort(port: Protocol.ProtocolPort): OpenIdSession | undefined {
  return (port as unknown as Record<symbol, OpenIdSession | undefined>)[SESSION];
}

function parametersOf(parameters: Protocol.RequestParameters | undefined): URLSearchParams {
  return toSearchParams((parameters ?? {}) as Record<string, string | string[]>);
}

/** What a failed request becomes: core's conversion, else TOKEN_REQUEST_FAILED. */
function failed(error: unknown, action: string, flow: string | undefined): unknown {
  const converted = toOidcflowError(error, action, flow);
  if (OidcflowError.isInstance(converted)) return converted;
  return new OidcflowError(
    ErrorCode.TOKEN_REQUEST_FAILED,
    `The request to ${action} failed: ${terminalText(String((error as Error)?.message ?? error))}. Check that the IdP is reachable and try again.`,
    { cause: error, ...(flow ? { flow } : {}) },
  );
}

function positiveSeconds(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

/**
 * The protocol port on openid-client: the `ProtocolPort` a flow gets as `context.protocol`.
 * Every request uses the session's configuration (core's fetch, client authentication, timeouts).
 */
export function createProtocolPort(
  session: OpenIdSession,
  options: ProtocolPortOptions,
): Protocol.ProtocolPort {
  const { client, configuration } = session;
  const { flow } = options;
  // openid-client sends a proof with each grant and retries once on use_dpop_nonce.
  const dpop = options.dpop ? { DPoP: options.dpop } : undefined;

  async function authorizationRequest(
    input: Protocol.AuthorizationRequestInput,
  ): Promise<Protocol.AuthorizationRequest> {
    const scopes = input.scopes ?? options.scopes;
    const parameters = parametersOf(input.parameters);
    if (scopes.length > 0) parameters.set('scope', scopes.join(' '));
    parameters.set('response_type', 'code');
    parameters.set('redirect_uri', input.redirectUri);
    const state = client.randomState();
    parameters.set('state', state);
    const request: Omit<Protocol.AuthorizationRequest, 'url'> = { state, redirectUri: input.redirectUri };
    if (scopes.includes('openid')) {
      const nonce = client.randomNonce();
      parameters.set('nonce', nonce);
      request.nonce = nonce;
    } else {
      parameters.delete('nonce');
    }
    if (input.pkce ?? true) {
      // Always S256, even when the metadata lists no methods: never a downgrade to `plain`.
      const codeVerifier = client.randomPKCECodeVerifier();
      parameters.set('code_challenge', await client.calculatePKCECodeChallenge(codeVerifier));
      parameters.set('code_challenge_method', 'S256');
      request.codeVerifier = codeVerifier;
    } else {
      parameters.delete('code_challenge');
      parameters.delete('code_challenge_method');
    }
    return { ...request, url: client.buildAuthorizationUrl(configuration, parameters).href };
  }

  async function exchangeCode(input: Protocol.CodeExchangeInput): Promise<TokenSet> {
    const { request } = input;
    const checks: Parameters<typeof client.authorizationCodeGrant>[2] & object = {
      expectedState: request.state,
      idTokenExpected: input.idTokenExpected ?? request.nonce !== undefined,
    };
    if (request.nonce) checks.expectedNonce = request.nonce;
    if (request.codeVerifier) checks.pkceCodeVerifier = request.codeVerifier;
    try {
      const response = await client.authorizationCodeGrant(
        configuration,
        new URL(input.callbackUrl),
        checks,
        parametersOf(input.parameters),
        dpop,
      );
      return tokenSetFromResponse(response, options.now(), options.log);
    } catch (error) {
      throw failed(error, 'exchange the authorization code for tokens', flow);
    }
  }

  async function startDeviceAuthorization(
    extra?: Protocol.RequestParameters,
    scopes: readonly string[] = options.scopes,
  ): Promise<Protocol.DeviceAuthorization> {
    const parameters = parametersOf(extra);
    if (scopes.length > 0) parameters.set('scope', scopes.join(' '));
    let response: Awaited<ReturnType<typeof client.initiateDeviceAuthorization>>;
    try {
      response = await client.initiateDeviceAuthorization(configuration, parameters);
    } catch (error) {
      throw deviceAuthorizationError(
        error,
        configuration.serverMetadata().device_authorization_endpoint,
        flow,
        scopes,
      );
    }
    const expiresIn = positiveSeconds(response.expires_in);
    if (!expiresIn) {
      throw new OidcflowError(
        ErrorCode.TOKEN_RESPONSE_INVALID,
        'The device authorization response has no usable expires_in. This is a problem with the IdP; report it to its administrators.',
        flow ? { flow } : {},
      );
    }
    const authorization: Protocol.DeviceAuthorization = {
      deviceCode: response.device_code,
      userCode: response.user_code,
      verificationUri: response.verification_uri,
      expiresIn,
    };
    const interval = positiveSeconds(response.interval);
    if (interval) authorization.interval = interval;
    if (typeof response.verification_uri_complete === 'string')
      authorization.verificationUriComplete = response.verification_uri_complete;
    return authorization;
  }

  async function pollDeviceAuthorization(
    deviceCode: string,
    extra?: Protocol.RequestParameters,
  ): Promise<Protocol.DevicePollOutcome> {
    // Extra parameters first; the device code cannot be replaced.
    const parameters = parametersOf(extra);
    parameters.set('device_code', deviceCode);
    try {
      const response = await client.genericGrantRequest(
        configuration,
        DEVICE_CODE_GRANT_TYPE,
        parameters,
        dpop,
      );
      return { kind: 'tokens', tokens: tokenSetFromResponse(response, options.now(), options.log) };
    } catch (error) {
      const failure = classifyPollError(error, flow);
      if (failure.kind === 'fatal') throw failure.error;
      return failure;
    }
  }

  async function grant(grantType: string, extra?: Protocol.RequestParameters): Promise<TokenSet> {
    try {
      const response =
        grantType === 'client_credentials'
          ? await client.clientCredentialsGrant(configuration, parametersOf(extra), dpop)
          : await client.genericGrantRequest(configuration, grantType, parametersOf(extra), dpop);
      return tokenSetFromResponse(response, options.now(), options.log);
    } catch (error) {
      throw failed(error, `issue a token for the ${grantType} grant`, flow);
    }
  }

  async function refresh(refreshToken: string, extra?: Protocol.RequestParameters): Promise<TokenSet> {
    try {
      const response = await client.refreshTokenGrant(configuration, refreshToken, parametersOf(extra), dpop);
      return tokenSetFromResponse(response, options.now(), options.log);
    } catch (error) {
      throw failed(error, 'refresh the token', flow);
    }
  }

  async function revoke(token: string, tokenTypeHint?: 'refresh_token' | 'access_token'): Promise<void> {
    try {
      await client.tokenRevocation(
        configuration,
        token,
        tokenTypeHint ? { token_type_hint: tokenTypeHint } : undefined,
      );
    } catch (error) {
      throw failed(error, 'revoke the tokens', flow);
    }
  }

  async function validateIdToken(
    idToken: string,
    expectations: Protocol.IdTokenExpectations = {},
  ): Promise<Record<string, unknown>> {
    const metadata = configuration.serverMetadata();
    const invalid = (detail: string, cause?: unknown) =>
      new OidcflowError(
        ErrorCode.TOKEN_RESPONSE_INVALID,
        `The ID token failed validation: ${terminalText(detail)}. Log in again; if it persists, report it to the IdP's administrators.`,
        { ...(cause ? { cause } : {}), ...(flow ? { flow } : {}) },
      );
    if (!metadata.jwks_uri) throw invalid('the IdP advertises no jwks_uri to check its signature against');
    const jose = await import('jose');
    const keys = jose.createRemoteJWKSet(new URL(metadata.jwks_uri), {
      [jose.customFetch]: session.fetch,
    } as Parameters<typeof jose.createRemoteJWKSet>[1]);
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jose.jwtVerify(idToken, keys, {
        issuer: metadata.issuer,
        audience: configuration.clientMetadata().client_id,
        algorithms: (metadata.id_token_signing_alg_values_supported as string[] | undefined) ?? ['RS256'],
        currentDate: new Date(options.now()),
        ...(expectations.maxAgeSeconds !== undefined ? { maxTokenAge: expectations.maxAgeSeconds } : {}),
      }));
    } catch (error) {
      throw invalid((error as Error).message, error);
    }
    if (expectations.nonce !== undefined && payload.nonce !== expectations.nonce)
      throw invalid('its nonce is not the one this login sent');
    return { ...payload };
  }

  const port: Protocol.ProtocolPort = {
    authorizationRequest,
    exchangeCode,
    startDeviceAuthorization,
    pollDeviceAuthorization,
    grant,
    refresh,
    revoke,
    validateIdToken,
  };
  Object.defineProperty(port, SESSION, { value: session, enumerable: false });
  return port;
}
