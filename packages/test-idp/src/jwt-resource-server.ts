import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createLocalJWKSet, createRemoteJWKSet, type JSONWebKeySet, jwtVerify } from 'jose';
import { dpopProofRefusal } from './dpop-proof.js';
import { listenOnLoopback } from './loopback-server.js';

/** What `startJwtResourceServer` checks the tokens against, and how. */
export interface JwtResourceServerOptions {
  /** The IdP's signing keys: its JWKS, or the URL it serves them at (`jwks_uri`). */
  keys: JSONWebKeySet | URL;
  /** The `iss` the JWT access tokens must carry. */
  issuer: string;
  /** The `aud` the JWT access tokens must carry. */
  audience: string;
  /**
   * `bearer`: Bearer tokens not bound to a key; `dpop`: DPoP-bound tokens with a valid proof
   * (RFC 9449 §7.1).
   */
  scheme: 'bearer' | 'dpop';
  /** Demand the server's nonce in every proof (RFC 9449 §9). */
  requireNonce?: boolean;
  /** The proof signature algorithms taken, named in the challenge. @default ES256, RS256, PS256, EdDSA */
  algorithms?: string[];
  /** `GET /redirect` answers 302 to this URL. */
  redirectTo?: string;
  /**
   * Demand a stronger login (RFC 9470): a valid token whose `acr` is not one of `acrValues` is
   * answered 401 `insufficient_user_authentication` with these `acr_values` in the challenge.
   */
  requiredAcr?: readonly string[];
}

/** One request as the API saw it (no token value but the headers, kept to replay them). */
export interface ResourceRequest {
  method: string;
  path: string;
  /** The authorization scheme sent (`Bearer`, `DPoP`), if any. */
  scheme: string | undefined;
  authorization: string | undefined;
  /** The proof sent; a proof is single-use and carries no secret. */
  dpop: string | undefined;
  /**
   * Why it was refused (`invalid_token: …`, `invalid_dpop_proof: …`,
   * `insufficient_user_authentication: …`); undefined when accepted.
   */
  refusal: string | undefined;
  /** The `acr` of a valid token, when it has one. */
  acr?: string | undefined;
}

/** A running `startJwtResourceServer`: its origin, what it saw, and its own revocation list. */
export interface JwtResourceServer {
  /** http://127.0.0.1:<port> */
  readonly origin: string;
  readonly seen: ResourceRequest[];
  /** Tokens refused from now on with 401 invalid_token (an API-side revocation). */
  readonly refused: Set<string>;
  close(): Promise<void>;
}

/**
 * An API on 127.0.0.1 that takes the IdP's JWT access tokens (signature by its keys, issuer,
 * audience) on every path: Bearer tokens, or DPoP-bound ones whose proof `dpopProofRefusal`
 * accepts, and (with `requiredAcr`) whose `acr` is one it takes. It answers 200 with JSON, or
 * 401 with the error in `WWW-Authenticate` (and its nonce in `DPoP-Nonce` when it demands one;
 * the `acr_values` it takes for `insufficient_user_authentication`, RFC 9470).
 */
export async function startJwtResourceServer(options: JwtResourceServerOptions): Promise<JwtResourceServer> {
  const keys =
    options.keys instanceof URL ? createRemoteJWKSet(options.keys) : createLocalJWKSet(options.keys);
  const dpop = options.scheme === 'dpop';
  const nonce = randomUUID();
  const seenJti = new Set<string>();
  const refused = new Set<string>();
  const seen: ResourceRequest[] = [];
  let origin = '';

  /** Why the request is refused (undefined: accepted), and the valid token's `acr`. */
  async function verdict(request: IncomingMessage): Promise<{ refusal?: string; acr?: string }> {
    const [scheme, token] = (request.headers.authorization ?? '').split(' ');
    if (!token) return { refusal: 'invalid_token: no token' };
    if (refused.has(token)) return { refusal: 'invalid_token: refused by the API' };
    let claims: Record<string, unknown>;
    try {
      ({ payload: claims } = await jwtVerify(token, keys, {
        issuer: options.issuer,
        audience: options.audience,
      }));
    } catch {
      return { refusal: 'invalid_token: not a valid access token for this API' };
    }
    const acr = typeof claims.acr === 'string' ? claims.acr : undefined;
    const refusal = (await bindingRefusal(request, scheme, token, claims)) ?? acrRefusal(acr);
    return { ...(refusal ? { refusal } : {}), ...(acr ? { acr } : {}) };
  }

  /** With `requiredAcr`, why a token of that `acr` is not strong enough (RFC 9470); else undefined. */
  function acrRefusal(acr: string | undefined): string | undefined {
    const required = options.requiredAcr;
    if (!required || (acr && required.includes(acr))) return undefined;
    return `insufficient_user_authentication: acr ${acr ?? '(none)'}, not ${required.join(' or ')}`;
  }

  /** Bearer or DPoP as `scheme` demands, for a token whose signature, issuer and audience are good. */
  async function bindingRefusal(
    request: IncomingMessage,
    scheme: string | undefined,
    token: string,
    claims: Record<string, unknown>,
  ): Promise<string | undefined> {
    const jkt = (claims.cnf as { jkt?: string } | undefined)?.jkt;
    if (!dpop) return scheme === 'Bearer' && !jkt ? undefined : 'invalid_token: not a bearer token';
    if (scheme !== 'DPoP' || !jkt) return 'invalid_token: not a DPoP-bound token';
    return dpopProofRefusal({
      proof: request.headers.dpop,
      method: request.method ?? 'GET',
      url: `${origin}${new URL(request.url ?? '/', origin).pathname}`,
      accessToken: token,
      boundKey: jkt,
      seenJti,
      ...(options.algorithms ? { algorithms: options.algorithms } : {}),
      ...(options.requireNonce ? { nonce } : {}),
    });
  }

  function challenge(why: string): Record<string, string> {
    const code = why.split(':')[0];
    // RFC 9470 §3: what the API wants of the login, in the challenge.
    const error =
      code === 'insufficient_user_authentication' && options.requiredAcr
        ? `error="${code}", error_description="A stronger login is needed", acr_values="${options.requiredAcr.join(' ')}"`
        : `error="${code}"`;
    if (!dpop) return { 'www-authenticate': `Bearer ${error}` };
    const algs = options.algorithms ? `, algs="${options.algorithms.join(' ')}"` : '';
    return {
      'www-authenticate': `DPoP ${error}${algs}`,
      ...(options.requireNonce ? { 'dpop-nonce': nonce } : {}),
    };
  }

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    for await (const _chunk of request) {
      // drained
    }
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    const redirect = path === '/redirect' && options.redirectTo !== undefined;
    const judged = redirect ? {} : await verdict(request);
    const why = judged.refusal;
    seen.push({
      method: request.method ?? 'GET',
      path,
      scheme: request.headers.authorization?.split(' ')[0],
      authorization: redirect ? undefined : request.headers.authorization,
      dpop: !redirect && typeof request.headers.dpop === 'string' ? request.headers.dpop : undefined,
      refusal: why,
      ...(judged.acr ? { acr: judged.acr } : {}),
    });
    if (redirect) response.writeHead(302, { location: options.redirectTo }).end();
    else if (why) response.writeHead(401, challenge(why)).end();
    else
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ ok: true, id: randomUUID() }));
  };
  const listening = await listenOnLoopback(
    createServer((request, response) => {
      handle(request, response).catch(() => response.writeHead(500).end());
    }),
  );
  origin = `http://127.0.0.1:${listening.port}`;
  return { origin, seen, refused, close: listening.close };
}
