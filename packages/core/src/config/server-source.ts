/** What a server tells about how to log in to it. Every field is optional. */
export interface ServerAuthInfo {
  issuer?: string;
  clientId?: string;
  scopes?: readonly string[];
  audience?: string;
}

/**
 * Where settings come from when the caller does not give them:
 * - `{ resourceUrl }`: the URL of the protected resource; its RFC 9728 metadata
 *   (`/.well-known/oauth-protected-resource`) gives `authorization_servers[0]` as issuer,
 *   `scopes_supported` as scopes and `resource` as audience. `resourceMetadataUrl` names
 *   the metadata document directly (as a `WWW-Authenticate` header would). Both URLs follow
 *   the issuer's rule (https, or http on loopback or with `allowInsecureHttp`); redirects are
 *   not followed; a document whose `resource` is missing or differs from `resourceUrl` (or,
 *   without it, from the resource the well-known metadata URL names, RFC 9728 §3.1) is refused
 *   (RFC 9728 §3.3), since it chooses where the client authenticates. A `resourceMetadataUrl`
 *   at no well-known place needs `resourceUrl` beside it.
 * - a function returning `ServerAuthInfo` (what xGT's `GetOidcIssuer` does).
 */
export type ServerSource =
  | { resourceUrl: string; resourceMetadataUrl?: string }
  | { resourceMetadataUrl: string; resourceUrl?: string }
  | (() => ServerAuthInfo | Promise<ServerAuthInfo>);
