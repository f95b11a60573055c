import { ErrorCode } from '../errors/codes.js';
import { OidcflowError } from '../errors/oidcflow-error.js';
import { resolveServerSource } from './resolve-server.js';
import type { ServerAuthInfo } from './server-source.js';
import type { Settings } from './settings.js';
import { parseIdpUrl } from './url-policy.js';

/** Who we log in to and as what: the settings that make up the cache key. */
export interface ResolvedIdentity {
  /** Exactly as configured: `https://idp.example.com/` and `https://idp.example.com` are two issuers. */
  issuer: string;
  clientId: string;
  scopes: string[];
  audience?: string;
}

function checkScopes(scopes: readonly unknown[], origin: string): string[] {
  for (const scope of scopes) {
    if (typeof scope !== 'string' || scope === '' || /\s/.test(scope)) {
      throw new OidcflowError(
        ErrorCode.CONFIG_INVALID,
        `${origin} contains ${JSON.stringify(scope)}; each scope must be a non-empty string without spaces (pass ['openid', 'profile'], not 'openid profile').`,
      );
    }
  }
  return [...(scopes as string[])];
}

/**
 * Explicit option, then the server source, then the default. The server source is asked
 * only when something it could supply is missing, so explicit settings cost no request.
 */
export async function resolveIdentity(
  options: Pick<
    Settings,
    | 'family'
    | 'issuer'
    | 'clientId'
    | 'scopes'
    | 'audience'
    | 'useServerAudience'
    | 'server'
    | 'allowInsecureHttp'
  >,
  getFetch: () => Promise<typeof globalThis.fetch>,
): Promise<ResolvedIdentity> {
  const needsServer =
    !options.issuer ||
    !options.clientId ||
    options.scopes === undefined ||
    (options.useServerAudience && !options.audience);
  let server: ServerAuthInfo = {};
  if (needsServer && options.server) {
    const policy = { allowInsecureHttp: options.allowInsecureHttp };
    server = await resolveServerSource(options.server, getFetch, policy);
  }

  const issuer = options.issuer || server.issuer;
  if (!issuer) {
    throw new OidcflowError(
      ErrorCode.CONFIG_MISSING_ISSUER,
      'No issuer: set the issuer option, or a server source (server: { resourceUrl } or a function) that supplies it.',
    );
  }
  parseIdpUrl(issuer, 'issuer', options.allowInsecureHttp ?? false);
  const clientId = options.clientId || server.clientId;
  if (!clientId) {
    throw new OidcflowError(
      ErrorCode.CONFIG_MISSING_CLIENT_ID,
      'No client id: set the clientId option, or a server source function that supplies it.',
    );
  }
  const scopes =
    options.scopes !== undefined
      ? checkScopes(options.scopes, 'scopes')
      : server.scopes !== undefined
        ? checkScopes(server.scopes, 'the scopes the server advertised')
        : options.family === 'user'
          ? ['openid']
          : [];
  const audience = options.audience ?? (options.useServerAudience ? server.audience : undefined);
  // Kept byte for byte: an issuer is an exact string (OIDC Discovery §4.3, RFC 8414 §3.3), and
  // the ID tokens' `iss` and the discovery document must match it as the IdP spells it.
  return { issuer, clientId, scopes, ...(audience ? { audience } : {}) };
}
