import { idTokenExpiresAt, type TokenKind, type TokenSet } from '@oidcflow/core';
import { jsonForTerminal } from './terminal-json.js';

export const TOKEN_OUTPUTS = ['token', 'json', 'header', 'exec-credential'] as const;
export type TokenOutput = (typeof TOKEN_OUTPUTS)[number];

/** The API version kubectl's exec credential plugins speak since Kubernetes 1.22. */
export const EXEC_CREDENTIAL_API_VERSION = 'client.authentication.k8s.io/v1';
/** The exec credential API versions oidcflow answers in: whichever kubectl asked for. */
export const EXEC_CREDENTIAL_API_VERSIONS = [
  'client.authentication.k8s.io/v1',
  'client.authentication.k8s.io/v1beta1',
] as const;
export type ExecCredentialApiVersion = (typeof EXEC_CREDENTIAL_API_VERSIONS)[number];

function rfc3339(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * `Bearer` or `DPoP` (RFC 9449's spelling), whatever case the IdP or openid-client used;
 * another type as it came.
 */
export function authorizationScheme(tokenType: string): string {
  const lower = tokenType.toLowerCase();
  return lower === 'bearer' ? 'Bearer' : lower === 'dpop' ? 'DPoP' : tokenType;
}

/** What `oidcflow token --output json` prints. Names follow the OAuth token response. */
export interface TokenJson {
  access_token: string;
  token_type: string;
  /** RFC 3339; of the access token. */
  expires_at: string;
  /** Seconds from now, rounded down; 0 once expired. */
  expires_in: number;
  scope?: string;
  id_token?: string;
  /** RFC 3339; the ID token's own `exp`. */
  id_token_expires_at?: string;
  refresh_token?: string;
}

/** The token of `kind` and when it expires (epoch ms). Throws when the set has no such token. */
export function chosenToken(tokens: TokenSet, kind: TokenKind): { token: string; expiresAt: number } {
  if (kind === 'access') return { token: tokens.accessToken, expiresAt: tokens.expiresAt };
  const expiresAt = idTokenExpiresAt(tokens);
  if (!tokens.idToken || expiresAt === undefined) {
    throw new Error('no ID token with a known expiry was issued for these settings');
  }
  return { token: tokens.idToken, expiresAt };
}

export function tokenJson(tokens: TokenSet, now: number, includeRefreshToken: boolean): TokenJson {
  const json: TokenJson = {
    access_token: tokens.accessToken,
    token_type: authorizationScheme(tokens.tokenType),
    expires_at: rfc3339(tokens.expiresAt),
    expires_in: Math.max(0, Math.floor((tokens.expiresAt - now) / 1000)),
  };
  if (tokens.scope !== undefined) json.scope = tokens.scope;
  if (tokens.idToken) {
    json.id_token = tokens.idToken;
    const expiresAt = idTokenExpiresAt(tokens);
    if (expiresAt !== undefined) json.id_token_expires_at = rfc3339(expiresAt);
  }
  if (includeRefreshToken && tokens.refreshToken) json.refresh_token = tokens.refreshToken;
  return json;
}

/**
 * A kubectl ExecCredential in the API version kubectl asked for, carrying the token of `kind`
 * with its own expiry as `expirationTimestamp` (kubectl calls again after it).
 */
export function execCredential(
  tokens: TokenSet,
  kind: TokenKind,
  apiVersion: ExecCredentialApiVersion = EXEC_CREDENTIAL_API_VERSION,
): Record<string, unknown> {
  const { token, expiresAt } = chosenToken(tokens, kind);
  return {
    apiVersion,
    kind: 'ExecCredential',
    spec: {},
    status: { token, expirationTimestamp: rfc3339(expiresAt) },
  };
}

export interface FormatOptions {
  now: number;
  includeRefreshToken: boolean;
  /** Which token `token`, `header` and `exec-credential` carry. @default 'access' */
  tokenType?: TokenKind;
  /** For `exec-credential`: the version kubectl asked for. @default v1 */
  execApiVersion?: ExecCredentialApiVersion;
}

/**
 * The text `oidcflow token` writes to stdout, newline-terminated. `json` always has both
 * tokens (the access token under OAuth's names, the ID token with `id_token_expires_at`);
 * with `tokenType: 'id'` the caller has made sure the ID token is the fresh one.
 */
export function formatTokens(tokens: TokenSet, output: TokenOutput, options: FormatOptions): string {
  const kind = options.tokenType ?? 'access';
  switch (output) {
    case 'token':
      return `${chosenToken(tokens, kind).token}\n`;
    case 'header': {
      // An ID token is always a bearer token; the access token's type is the IdP's.
      const scheme = kind === 'id' ? 'Bearer' : authorizationScheme(tokens.tokenType);
      return `Authorization: ${scheme} ${chosenToken(tokens, kind).token}\n`;
    }
    case 'json': {
      const json = tokenJson(tokens, options.now, options.includeRefreshToken);
      if (kind === 'id') chosenToken(tokens, kind);
      // `scope` comes from the IdP: bidi and C1 characters are escaped (same JSON, safe to print).
      return `${jsonForTerminal(json)}\n`;
    }
    case 'exec-credential':
      return `${JSON.stringify(execCredential(tokens, kind, options.execApiVersion))}\n`;
  }
}
