import { type JwtResourceServer, startJwtResourceServer } from '@oidcflow/test-idp';
import type { JSONWebKeySet } from 'jose';
import { fetchDiscovery, rawRequest } from './raw-http.js';

export type ApiServer = JwtResourceServer;

export interface ApiServerOptions {
  issuer: string;
  /** The `aud` the JWT access tokens must carry. */
  audience: string;
  caCertPath?: string | undefined;
  /** Accept only DPoP-bound tokens with a valid proof (RFC 9449 §7.1); else only bearer tokens. */
  dpop?: boolean;
  /** `GET /redirect` answers 302 to this URL. */
  redirectTo?: string;
  /** Take only tokens whose `acr` is one of these; others get the RFC 9470 step-up challenge. */
  requiredAcr?: readonly string[];
}

/**
 * A resource server on 127.0.0.1 for the fetch, dpop and step-up scenarios: @oidcflow/test-idp's JWT
 * API (core's DPoP tests use it too) with the target's keys, read through the target's CA.
 */
export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const metadata = await fetchDiscovery(options.issuer, options.caCertPath);
  const jwksResponse = await rawRequest(String(metadata.jwks_uri), {
    ...(options.caCertPath ? { caCertPath: options.caCertPath } : {}),
  });
  return startJwtResourceServer({
    keys: JSON.parse(jwksResponse.body) as JSONWebKeySet,
    issuer: String(metadata.issuer),
    audience: options.audience,
    scheme: options.dpop ? 'dpop' : 'bearer',
    ...(options.redirectTo ? { redirectTo: options.redirectTo } : {}),
    ...(options.requiredAcr ? { requiredAcr: options.requiredAcr } : {}),
  });
}
