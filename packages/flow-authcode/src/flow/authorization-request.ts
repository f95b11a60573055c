import type { FlowRunContext, AuthorizationRequest as PortRequest } from '@oidcflow/core';

/** One authorization request and the secrets needed to check its response. Fresh per login. */
export interface AuthorizationRequest extends Omit<PortRequest, 'url'> {
  url: URL;
}

export function requestsOpenId(scopes: readonly string[]): boolean {
  return scopes.includes('openid');
}

/** `prompt` values are a space-separated set (OIDC Core 3.1.2.1): add `value` to what is there. */
function withPrompt(current: string | readonly string[] | undefined, value: string): string {
  const values = (Array.isArray(current) ? current.join(' ') : ((current as string | undefined) ?? ''))
    .split(' ')
    .filter(Boolean);
  if (!values.includes(value)) values.push(value);
  return values.join(' ');
}

/**
 * Builds the authorization URL through core's protocol port. IdP plugin parameters go in
 * first; the port then sets the ones that protect this login (redirect, state, nonce, PKCE),
 * so no plugin can replace those.
 */
export async function createAuthorizationRequest(
  context: FlowRunContext,
  redirectUri: string,
): Promise<AuthorizationRequest> {
  const parameters: Record<string, string | readonly string[]> = {
    ...context.adjustments.authorizationParameters,
  };
  if (context.settings.forceLogin) parameters.prompt = withPrompt(parameters.prompt, 'login');
  const request = await context.protocol.authorizationRequest({
    redirectUri,
    scopes: context.scopes,
    parameters,
    pkce: context.settings.pkce,
  });
  return { ...request, url: new URL(request.url) };
}
