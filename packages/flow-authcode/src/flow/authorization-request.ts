import { type FlowRunContext, toSearchParams } from '@oidcflow/core';

/** One authorization request and the secrets needed to check its response. Fresh per login. */
export interface AuthorizationRequest {
  url: URL;
  state: string;
  /** Sent when the scopes include `openid`; the ID token must carry it back. */
  nonce?: string;
  /** PKCE verifier (S256); absent only when `pkce: false`. */
  codeVerifier?: string;
}

export function requestsOpenId(scopes: readonly string[]): boolean {
  return scopes.includes('openid');
}

/** `prompt` values are a space-separated set (OIDC Core 3.1.2.1): add `value` to what is there. */
function addPrompt(parameters: URLSearchParams, value: string): void {
  const values = (parameters.get('prompt') ?? '').split(' ').filter(Boolean);
  if (!values.includes(value)) values.push(value);
  parameters.set('prompt', values.join(' '));
}

/**
 * Builds the authorization URL. IdP plugin parameters go in first, then the ones that protect
 * this login (redirect, state, nonce, PKCE), so no plugin can replace those.
 */
export async function createAuthorizationRequest(
  context: FlowRunContext,
  redirectUri: string,
): Promise<AuthorizationRequest> {
  const { client, configuration } = context.openid;
  const parameters = toSearchParams(context.adjustments.authorizationParameters);
  if (context.settings.forceLogin) addPrompt(parameters, 'login');
  if (context.scopes.length > 0) parameters.set('scope', context.scopes.join(' '));
  parameters.set('response_type', 'code');
  parameters.set('redirect_uri', redirectUri);
  const state = client.randomState();
  parameters.set('state', state);
  const request: Omit<AuthorizationRequest, 'url'> = { state };
  if (requestsOpenId(context.scopes)) {
    const nonce = client.randomNonce();
    parameters.set('nonce', nonce);
    request.nonce = nonce;
  } else {
    parameters.delete('nonce');
  }
  if (context.settings.pkce) {
    // Always S256, even when the metadata lists no methods: never a downgrade to `plain`.
    const codeVerifier = client.randomPKCECodeVerifier();
    parameters.set('code_challenge', await client.calculatePKCECodeChallenge(codeVerifier));
    parameters.set('code_challenge_method', 'S256');
    request.codeVerifier = codeVerifier;
  } else {
    parameters.delete('code_challenge');
    parameters.delete('code_challenge_method');
  }
  return { ...request, url: client.buildAuthorizationUrl(configuration, parameters) };
}
