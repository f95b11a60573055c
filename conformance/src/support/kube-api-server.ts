import { startHttpsServer } from './https-server.js';
import { createTokenChecker, type TokenRequirements } from './token-check.js';

/** One request the API server answered. */
export interface KubeApiRequest {
  path: string;
  status: number;
  /** `iss#sub`, kube-apiserver's default username for an OIDC user; set when accepted. */
  username?: string;
  /** Why the token was refused; set when refused. */
  reason?: string;
}

/** A stand-in for kube-apiserver with `--oidc-issuer-url` and `--oidc-client-id`, answering `/api`. */
export interface KubeApiServer {
  url: string;
  caCertPath: string;
  readonly requests: readonly KubeApiRequest[];
  stop(): Promise<void>;
}

function status(code: number, reason: string, message: string): string {
  return JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  });
}

/**
 * An HTTPS server on 127.0.0.1 that authenticates `Authorization: Bearer` like kube-apiserver's
 * OIDC authenticator (see `createTokenChecker`) and answers `GET /api` with APIVersions, or 401.
 */
export async function startKubeApiServer(
  directory: string,
  requirements: TokenRequirements,
): Promise<KubeApiServer> {
  const check = createTokenChecker(requirements);
  const requests: KubeApiRequest[] = [];
  const server = await startHttpsServer(directory, (request, response) => {
    const path = new URL(request.url ?? '/', 'https://127.0.0.1').pathname;
    const answer = (code: number, body: string, record: Omit<KubeApiRequest, 'path' | 'status'> = {}) => {
      requests.push({ path, status: code, ...record });
      response.writeHead(code, { 'content-type': 'application/json' });
      response.end(body);
    };
    const bearer = /^Bearer (\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (!bearer) {
      answer(401, status(401, 'Unauthorized', 'Unauthorized'), { reason: 'no bearer token' });
      return;
    }
    check(bearer).then(
      (verdict) => {
        if (!verdict.ok) {
          answer(401, status(401, 'Unauthorized', 'Unauthorized'), { reason: verdict.reason });
        } else if (path !== '/api') {
          answer(404, status(404, 'NotFound', `${path} is not served here`));
        } else {
          const username = `${verdict.claims.iss}#${verdict.claims.sub}`;
          answer(
            200,
            JSON.stringify({
              kind: 'APIVersions',
              versions: ['v1'],
              serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }],
            }),
            { username },
          );
        }
      },
      (error: unknown) => answer(500, status(500, 'InternalError', String(error))),
    );
  });
  return { url: server.url, caCertPath: server.caCertPath, requests, stop: server.stop };
}
