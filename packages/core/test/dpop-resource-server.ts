import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { dpopProofRefusal, listenOnLoopback } from '@oidcflow/test-idp';
import { createRemoteJWKSet, jwtVerify } from 'jose';

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

/**
 * An API on 127.0.0.1 that accepts only DPoP-bound JWT access tokens of the IdP with a valid
 * proof (RFC 9449 §4.3, §7.1), checked by @oidcflow/test-idp's `dpopProofRefusal` (the
 * conformance API uses the same check).
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
    let tokenClaims: Record<string, unknown>;
    try {
      ({ payload: tokenClaims } = await jwtVerify(token, keys, {
        issuer: options.issuer,
        audience: options.audience,
      }));
    } catch {
      return 'invalid_token: not a valid access token';
    }
    return dpopProofRefusal({
      proof: request.headers.dpop,
      method: request.method ?? 'GET',
      url: `${origin}${new URL(request.url ?? '/', origin).pathname}`,
      accessToken: token,
      boundKey: (tokenClaims.cnf as { jkt?: string } | undefined)?.jkt,
      seenJti,
      algorithms: ['ES256'],
      ...(options.requireNonce ? { nonce } : {}),
    });
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
  const listening = await listenOnLoopback(
    createServer((request, response) => {
      handle(request, response).catch(() => response.writeHead(500).end());
    }),
  );
  origin = `http://127.0.0.1:${listening.port}`;
  return { origin, seen, refused, stop: listening.close };
}
