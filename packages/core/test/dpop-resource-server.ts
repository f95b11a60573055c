import { type ResourceRequest, startJwtResourceServer } from '@oidcflow/test-idp';

export type DpopSeenRequest = ResourceRequest;

export interface DpopResourceServer {
  readonly origin: string;
  readonly seen: DpopSeenRequest[];
  /** Tokens refused from now on with 401 invalid_token (an API-side revocation). */
  readonly refused: Set<string>;
  stop(): Promise<void>;
}

export interface DpopResourceServerOptions {
  issuer: string;
  /** The `aud` the JWT access tokens must carry. */
  audience: string;
  /** Demand the server's nonce in every proof (RFC 9449 §9). */
  requireNonce?: boolean;
}

/**
 * An API on 127.0.0.1 that accepts only DPoP-bound JWT access tokens of the embedded IdP
 * with a valid ES256 proof (RFC 9449 §4.3, §7.1): @oidcflow/test-idp's JWT API, which the
 * conformance scenarios use too.
 */
export async function startDpopResourceServer(
  options: DpopResourceServerOptions,
): Promise<DpopResourceServer> {
  const server = await startJwtResourceServer({
    keys: new URL(`${options.issuer}/jwks`),
    issuer: options.issuer,
    audience: options.audience,
    scheme: 'dpop',
    algorithms: ['ES256'],
    ...(options.requireNonce ? { requireNonce: true } : {}),
  });
  return { origin: server.origin, seen: server.seen, refused: server.refused, stop: server.close };
}
