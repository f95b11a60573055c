/**
 * Where an issuer's metadata is: the one rule for oidcflow and for anything that reads an IdP's
 * metadata beside it (the conformance harness's resource servers, git server, target checks).
 * Both specifications drop a terminating `/` of the issuer first, so an issuer ending in `/`
 * (Auth0's does) never yields `…//.well-known/…`.
 */

function originAndPath(issuer: string): { origin: string; path: string } {
  const url = new URL(issuer);
  return { origin: url.origin, path: url.pathname.replace(/\/+$/, '') };
}

/**
 * OpenID Connect Discovery 1.0 §4: the issuer without its terminating `/`, then
 * `/.well-known/openid-configuration` (`https://idp.example/` →
 * `https://idp.example/.well-known/openid-configuration`).
 */
export function openidConfigurationUrl(issuer: string): string {
  const { origin, path } = originAndPath(issuer);
  return `${origin}${path}/.well-known/openid-configuration`;
}

/**
 * RFC 8414 §3: `/.well-known/oauth-authorization-server` inserted between the host and the
 * issuer's path, its terminating `/` removed (`https://idp.example/tenant/` →
 * `https://idp.example/.well-known/oauth-authorization-server/tenant`).
 */
export function authorizationServerMetadataUrl(issuer: string): string {
  const { origin, path } = originAndPath(issuer);
  return `${origin}/.well-known/oauth-authorization-server${path}`;
}
