import { openidConfigurationUrl } from '@oidcflow/core';
import { createLocalJWKSet, type JWTPayload, jwtVerify } from 'jose';
import { rawRequest } from './raw-http.js';

/** What a resource server (kube-apiserver, a git host) requires of a bearer JWT. */
export interface TokenRequirements {
  issuer: string;
  /**
   * The client id that must be in `aud` (kube-apiserver's `--oidc-client-id`). With
   * `orAuthorizedParty`, `azp` or RFC 9068 `client_id` naming it suffices too (an IdP's access token for that client).
   */
  clientId: string;
  orAuthorizedParty?: boolean;
  /** PEM of a private CA the IdP is served with. */
  caCertPath?: string;
  /**
   * An opaque (non-JWT) token is valid when the IdP's userinfo endpoint accepts it, as a
   * resource server of an IdP with opaque access tokens (oidc-provider's default) checks them.
   */
  opaqueByUserinfo?: boolean;
}

function idpGet(url: string, requirements: TokenRequirements, headers: Record<string, string> = {}) {
  return rawRequest(url, {
    headers: { 'user-agent': RESOURCE_SERVER_AGENT, accept: 'application/json', ...headers },
    ...(requirements.caCertPath ? { caCertPath: requirements.caCertPath } : {}),
  });
}

async function readMetadata(requirements: TokenRequirements): Promise<Record<string, unknown>> {
  const response = await idpGet(openidConfigurationUrl(requirements.issuer), requirements);
  if (response.status !== 200) throw new Error(`discovery answered HTTP ${response.status}`);
  return JSON.parse(response.body) as Record<string, unknown>;
}

async function checkByUserinfo(token: string, requirements: TokenRequirements): Promise<TokenVerdict> {
  const metadata = await readMetadata(requirements);
  const response = await idpGet(String(metadata.userinfo_endpoint), requirements, {
    authorization: `Bearer ${token}`,
  });
  if (response.status !== 200)
    return { ok: false, reason: `userinfo refused the token (HTTP ${response.status})` };
  const claims = JSON.parse(response.body) as { sub?: string };
  return {
    ok: true,
    claims: { iss: requirements.issuer, ...(claims.sub ? { sub: claims.sub } : {}) },
    checkedBy: 'userinfo',
  };
}

/** The User-Agent of the resource servers' own IdP requests, so the IdP's log does not count them as oidcflow's. */
const RESOURCE_SERVER_AGENT = 'oidcflow-conformance-resource-server';

export type TokenVerdict =
  | { ok: true; claims: JWTPayload; checkedBy: 'jwks' | 'userinfo' }
  | { ok: false; reason: string };

/**
 * Checks a bearer JWT as kube-apiserver's OIDC authenticator does: signature against the
 * issuer's JWKS (found by discovery, read outside oidcflow), `iss`, `aud` containing the client
 * id, `exp` (and `nbf`). The JWKS is read once and again when a token names an unknown key.
 */
export function createTokenChecker(
  requirements: TokenRequirements,
): (token: string) => Promise<TokenVerdict> {
  let keys: Promise<ReturnType<typeof createLocalJWKSet>> | undefined;
  const load = async () => {
    const discovery = await readMetadata(requirements);
    const response = await idpGet(String(discovery.jwks_uri), requirements);
    if (response.status !== 200) throw new Error(`the JWKS answered HTTP ${response.status}`);
    return createLocalJWKSet(JSON.parse(response.body));
  };
  // A resource server remembers an opaque token it has verified, as one caching introspection
  // results does; this also keeps its own IdP requests out of the counts of oidcflow's.
  const verifiedOpaque = new Map<string, TokenVerdict>();
  return async (token) => {
    if (!/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token)) {
      if (!requirements.opaqueByUserinfo) return { ok: false, reason: 'not a JWT' };
      const known = verifiedOpaque.get(token);
      if (known) return known;
      const verdict = await checkByUserinfo(token, requirements);
      if (verdict.ok) verifiedOpaque.set(token, verdict);
      return verdict;
    }
    for (let attempt = 0; attempt < 2; attempt++) {
      keys ??= load();
      try {
        const { payload } = await jwtVerify(token, await keys, {
          issuer: requirements.issuer,
          clockTolerance: 5,
        });
        const audiences = typeof payload.aud === 'string' ? [payload.aud] : (payload.aud ?? []);
        const forClient =
          audiences.includes(requirements.clientId) ||
          (requirements.orAuthorizedParty === true &&
            // An OIDC `azp`, or RFC 9068's `client_id` (Hydra's JWT access tokens carry no aud).
            (payload.azp === requirements.clientId || payload.client_id === requirements.clientId));
        if (!forClient)
          return { ok: false, reason: `aud ${JSON.stringify(payload.aud)} lacks the client id` };
        return { ok: true, claims: payload, checkedBy: 'jwks' };
      } catch (error) {
        const code = (error as { code?: string }).code ?? 'ERR';
        // A key rotated since the JWKS was read: read it once more.
        if (code === 'ERR_JWKS_NO_MATCHING_KEY' && attempt === 0) {
          keys = undefined;
          continue;
        }
        return { ok: false, reason: `${code}: ${(error as Error).message}` };
      }
    }
    return { ok: false, reason: 'no JWKS key matches' };
  };
}
