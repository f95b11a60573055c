import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { calculateJwkThumbprint, createRemoteJWKSet, EmbeddedJWK, jwtVerify } from 'jose';

export interface DpopSeenRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  dpop: string | undefined;
  /** Why the request was refused; undefined when it was accepted. */
  refusal: string | undefined;
}

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

const PROOF_LIFETIME_SECONDS = 60;

/**
 * An API on 127.0.0.1 that accepts only DPoP-bound JWT access tokens of the IdP with a valid
 * proof (RFC 9449 §4.3, §7.1): signature by the proof's embedded key, `typ`, `htm`, `htu`,
 * `iat` within a minute, `jti` never seen before, `ath` = hash of the token, and the key's
 * thumbprint equal to the token's `cnf.jkt`.
 */
export async function startDpopResourceServer(
  options: DpopResourceServerOptions,
): Promise<DpopResourceServer> {
  const keys = createRemoteJWKSet(new URL(`${options.issuer}/jwks`));
  const seenJti = new Set<string>();
  const nonce = randomUUID();
  const seen: DpopSeenRequest[] = [];
  const refused = new Set<string>();
  let origin = '';

  async function refusal(request: IncomingMessage): Promise<string | undefined> {
    const [scheme, token] = (request.headers.authorization ?? '').split(' ');
    if (scheme !== 'DPoP' || !token) return 'invalid_token: no DPoP authorization';
    if (refused.has(token)) return 'invalid_token: refused by the API';
    const proof = request.headers.dpop;
    if (typeof proof !== 'string') return 'invalid_dpop_proof: no DPoP header';
    let tokenClaims: Record<string, unknown>;
    try {
      ({ payload: tokenClaims } = await jwtVerify(token, keys, {
        issuer: options.issuer,
        audience: options.audience,
      }));
    } catch {
      return 'invalid_token: not a valid access token';
    }
    let proofClaims: Record<string, unknown>;
    let jwk: Record<string, unknown>;
    try {
      const verified = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: ['ES256'] });
      proofClaims = verified.payload;
      jwk = verified.protectedHeader.jwk as Record<string, unknown>;
    } catch {
      return 'invalid_dpop_proof: bad signature or header';
    }
    const path = new URL(request.url ?? '/', origin).pathname;
    if (proofClaims.htm !== request.method) return 'invalid_dpop_proof: htm';
    if (proofClaims.htu !== `${origin}${path}`) return 'invalid_dpop_proof: htu';
    const iat = proofClaims.iat;
    if (typeof iat !== 'number' || Math.abs(Date.now() / 1000 - iat) > PROOF_LIFETIME_SECONDS)
      return 'invalid_dpop_proof: iat';
    const jti = proofClaims.jti;
    if (typeof jti !== 'string' || seenJti.has(jti)) return 'invalid_dpop_proof: jti replayed';
    seenJti.add(jti);
    if (proofClaims.ath !== createHash('sha256').update(token).digest('base64url'))
      return 'invalid_dpop_proof: ath';
    const jkt = (tokenClaims.cnf as { jkt?: string } | undefined)?.jkt;
    if (!jkt || jkt !== (await calculateJwkThumbprint(jwk as Parameters<typeof calculateJwkThumbprint>[0])))
      return 'invalid_token: the proof key is not the key the token is bound to';
    if (options.requireNonce && proofClaims.nonce !== nonce) return 'use_dpop_nonce: nonce';
    return undefined;
  }

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    for await (const _chunk of request) {
      // drained
    }
    const why = await refusal(request);
    seen.push({
      method: request.method ?? 'GET',
      path: new URL(request.url ?? '/', 'http://x').pathname,
      authorization: request.headers.authorization,
      dpop: typeof request.headers.dpop === 'string' ? request.headers.dpop : undefined,
      refusal: why,
    });
    if (why) {
      const error = why.split(':')[0];
      response.writeHead(401, {
        'www-authenticate': `DPoP error="${error}", algs="ES256"`,
        ...(options.requireNonce ? { 'dpop-nonce': nonce } : {}),
      });
      response.end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true }));
  };
  const server: Server = createServer((request, response) => {
    handle(request, response).catch(() => response.writeHead(500).end());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    seen,
    refused,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
