import type { TokenSet } from '@oidcflow/core';
import { jsonForTerminal } from './terminal-json.js';

export const TOKEN_OUTPUTS = ['token', 'json', 'header', 'exec-credential'] as const;
export type TokenOutput = (typeof TOKEN_OUTPUTS)[number];

/** The API version kubectl's exec credential plugins speak since Kubernetes 1.22. */
export const EXEC_CREDENTIAL_API_VERSION = 'client.authentication.k8s.io/v1';

function rfc3339(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `Bearer`, whatever case the IdP used; another type (DPoP, …) as the IdP sent it. */
export function authorizationScheme(tokenType: string): string {
  return tokenType.toLowerCase() === 'bearer' ? 'Bearer' : tokenType;
}

/** What `oidcflow token --output json` prints. Names follow the OAuth token response. */
export interface TokenJson {
  access_token: string;
  token_type: string;
  /** RFC 3339. */
  expires_at: string;
  /** Seconds from now, rounded down; 0 once expired. */
  expires_in: number;
  scope?: string;
  id_token?: string;
  refresh_token?: string;
}

export function tokenJson(tokens: TokenSet, now: number, includeRefreshToken: boolean): TokenJson {
  const json: TokenJson = {
    access_token: tokens.accessToken,
    token_type: authorizationScheme(tokens.tokenType),
    expires_at: rfc3339(tokens.expiresAt),
    expires_in: Math.max(0, Math.floor((tokens.expiresAt - now) / 1000)),
  };
  if (tokens.scope !== undefined) json.scope = tokens.scope;
  if (tokens.idToken) json.id_token = tokens.idToken;
  if (includeRefreshToken && tokens.refreshToken) json.refresh_token = tokens.refreshToken;
  return json;
}

/** A kubectl ExecCredential (client.authentication.k8s.io/v1) carrying the access token. */
export function execCredential(tokens: TokenSet): Record<string, unknown> {
  return {
    apiVersion: EXEC_CREDENTIAL_API_VERSION,
    kind: 'ExecCredential',
    spec: {},
    status: { token: tokens.accessToken, expirationTimestamp: rfc3339(tokens.expiresAt) },
  };
}

/** The text `oidcflow token` writes to stdout, newline-terminated. */
export function formatTokens(
  tokens: TokenSet,
  output: TokenOutput,
  options: { now: number; includeRefreshToken: boolean },
): string {
  switch (output) {
    case 'token':
      return `${tokens.accessToken}\n`;
    case 'header':
      return `Authorization: ${authorizationScheme(tokens.tokenType)} ${tokens.accessToken}\n`;
    case 'json':
      // `scope` comes from the IdP: bidi and C1 characters are escaped (same JSON, safe to print).
      return `${jsonForTerminal(tokenJson(tokens, options.now, options.includeRefreshToken))}\n`;
    case 'exec-credential':
      return `${JSON.stringify(execCredential(tokens))}\n`;
  }
}
