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
 *   the metadata document directly (as a `WWW-Authenticate` header would).
 * - a function returning `ServerAuthInfo` (what xGT's `GetOidcIssuer` does).
 */
export type ServerSource =
  | { resourceUrl: string; resourceMetadataUrl?: string }
  | { resourceMetadataUrl: string; resourceUrl?: string }
  | (() => ServerAuthInfo | Promise<ServerAuthInfo>);
