import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as a resource server saw it. */
export interface SeenRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: string;
}

export interface ResourceServer {
  readonly origin: string;
  readonly seen: SeenRequest[];
  /** Tokens this API refuses from now on, whatever the IdP says (an API-side revocation list). */
  readonly refused: Set<string>;
  stop(): Promise<void>;
}

type Route = (request: SeenRequest, response: ServerResponse, server: ResourceServer) => Promise<void> | void;

/**
 * A small API on 127.0.0.1 for auth.fetch tests. `/api/*` accepts a request only when the
 * IdP's userinfo endpoint accepts its bearer token (so a revoked token is refused for real),
 * and the token is not in `refused`, answering 401 `invalid_token` otherwise; `routes` adds paths such as redirects.
 */
export async function startResourceServer(
  userinfoEndpoint: string,
  routes: Record<string, Route> = {},
): Promise<ResourceServer> {
  const seen: SeenRequest[] = [];
  const refused = new Set<string>();
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    const entry: SeenRequest = {
      method: request.method ?? 'GET',
      path,
      authorization: request.headers.authorization,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    seen.push(entry);
    const route = routes[path];
    if (route) return route(entry, response, resourceServer);
    if (!path.startsWith('/api/')) {
      response.writeHead(404).end();
      return;
    }
    const token = /^Bearer (.+)$/.exec(entry.authorization ?? '')?.[1];
    const userinfo =
      token && !refused.has(token)
        ? await fetch(userinfoEndpoint, { headers: { authorization: `Bearer ${token}` } })
        : undefined;
    if (!userinfo?.ok) {
      await userinfo?.body?.cancel();
      const challenge = token ? 'Bearer error="invalid_token", error_description="token refused"' : 'Bearer';
      response.writeHead(401, { 'www-authenticate': challenge }).end();
      return;
    }
    const { sub } = (await userinfo.json()) as { sub: string };
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ sub, body: entry.body }));
  };
  const server: Server = createServer((request, response) => {
    handle(request, response).catch(() => response.writeHead(500).end());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const resourceServer: ResourceServer = {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    refused,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return resourceServer;
}
