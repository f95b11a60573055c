import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { dpopProofRefusal, listenOnLoopback } from '@oidcflow/test-idp';
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from 'jose';
import { fetchDiscovery, rawRequest } from './raw-http.js';

/** One request as the API saw it (no token value: only whether one came, and why it was refused). */
export interface ApiRequest {
  method: string;
  path: string;
  scheme: string | undefined;
  /** The proof sent, kept to replay it; a proof is single-use and carries no secret. */
  dpop: string | undefined;
  authorization: string | undefined;
  /** Why it was refused; undefined when accepted. */
  refusal: string | undefined;
}

export interface ApiServer {
  readonly origin: string;
  readonly seen: ApiRequest[];
  /** Tokens refused from now on with 401 invalid_token (an API-side revocation). */
  readonly refused: Set<string>;
  close(): Promise<void>;
}

export interface ApiServerOptions {
  issuer: string;
  /** The `aud` the JWT access tokens must carry. */
  audience: string;
  caCertPath?: string | undefined;
  /** Accept only DPoP-bound tokens with a valid proof (RFC 9449 §7.1); else only bearer tokens. */
  dpop?: boolean;
  /** `GET /redirect` answers 302 to this URL. */
  redirectTo?: string;
}

/**
 * A resource server on 127.0.0.1 for the fetch and dpop scenarios: checks the IdP's JWT access
 * tokens (signature by the IdP's keys, issuer, aud). In DPoP mode it checks the proof as RFC
 * 9449 says, with @oidcflow/test-idp's `dpopProofRefusal` (core's tests use the same check).
 */
export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const metadata = await fetchDiscovery(options.issuer, options.caCertPath);
  const jwksResponse = await rawRequest(String(metadata.jwks_uri), {
    ...(options.caCertPath ? { caCertPath: options.caCertPath } : {}),
  });
  const keys = createLocalJWKSet(JSON.parse(jwksResponse.body) as JSONWebKeySet);
  const issuer = String(metadata.issuer);
  const seenJti = new Set<string>();
  const refused = new Set<string>();
  const seen: ApiRequest[] = [];
  let origin = '';

  async function refusal(request: IncomingMessage): Promise<string | undefined> {
    const [scheme, token] = (request.headers.authorization ?? '').split(' ');
    if (!token) return 'invalid_token: no token';
    if (refused.has(token)) return 'invalid_token: refused by the API';
    let claims: Record<string, unknown>;
    try {
      ({ payload: claims } = await jwtVerify(token, keys, { issuer, audience: options.audience }));
    } catch {
      return 'invalid_token: not a valid access token for this API';
    }
    const jkt = (claims.cnf as { jkt?: string } | undefined)?.jkt;
    if (!options.dpop) return scheme === 'Bearer' && !jkt ? undefined : 'invalid_token: not a bearer token';
    if (scheme !== 'DPoP' || !jkt) return 'invalid_token: not a DPoP-bound token';
    return dpopProofRefusal({
      proof: request.headers.dpop,
      method: request.method ?? 'GET',
      url: `${origin}${new URL(request.url ?? '/', origin).pathname}`,
      accessToken: token,
      boundKey: jkt,
      seenJti,
    });
  }

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    for await (const _chunk of request) {
      // drained
    }
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if (path === '/redirect' && options.redirectTo) {
      seen.push({
        method: request.method ?? 'GET',
        path,
        scheme: schemeOf(request),
        dpop: undefined,
        authorization: undefined,
        refusal: undefined,
      });
      response.writeHead(302, { location: options.redirectTo }).end();
      return;
    }
    const why = await refusal(request);
    seen.push({
      method: request.method ?? 'GET',
      path,
      scheme: schemeOf(request),
      dpop: typeof request.headers.dpop === 'string' ? request.headers.dpop : undefined,
      authorization: request.headers.authorization,
      refusal: why,
    });
    if (why) {
      const scheme = options.dpop ? 'DPoP' : 'Bearer';
      response.writeHead(401, { 'www-authenticate': `${scheme} error="${why.split(':')[0]}"` }).end();
      return;
    }
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

function schemeOf(request: IncomingMessage): string | undefined {
  return request.headers.authorization?.split(' ')[0];
}
