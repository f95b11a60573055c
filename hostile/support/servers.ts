import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';

/** One request as the hostile server saw it, body included. */
export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface HostileServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  requests: SeenRequest[];
  stop(): Promise<void>;
}

type Handler = (request: SeenRequest, response: ServerResponse, base: string) => void | Promise<void>;

const running = new Set<HostileServer>();

/** Stops every server the test file started (call from afterEach). */
export async function stopServers(): Promise<void> {
  await Promise.all([...running].map((server) => server.stop()));
}

/**
 * A server on 127.0.0.1 with an OS-chosen port that answers as `handler` says, after reading
 * the request body (at most 64 KB: these servers attack, they are not attacked).
 */
export async function startServer(handler: Handler): Promise<HostileServer> {
  const requests: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  let base = '';
  const server = createServer((incoming, response) => {
    let body = '';
    incoming.setEncoding('utf8');
    incoming.on('data', (chunk: string) => {
      if (body.length < 65_536) body += chunk;
    });
    incoming.on('end', () => {
      const seen: SeenRequest = {
        method: incoming.method ?? 'GET',
        path: incoming.url ?? '/',
        headers: incoming.headers,
        body,
      };
      requests.push(seen);
      Promise.resolve(handler(seen, response, base)).catch(() => response.destroy());
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const hostile: HostileServer = {
    url: base,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        running.delete(hostile);
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  running.add(hostile);
  return hostile;
}

export function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}

/** Discovery metadata for an IdP at `base` with every endpoint on the same server. */
export function metadataFor(base: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    issuer: base,
    token_endpoint: `${base}/token`,
    authorization_endpoint: `${base}/authorize`,
    device_authorization_endpoint: `${base}/device`,
    grant_types_supported: [
      'authorization_code',
      'refresh_token',
      'client_credentials',
      'urn:ietf:params:oauth:grant-type:device_code',
    ],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    code_challenge_methods_supported: ['S256'],
    ...extra,
  };
}

/** A device authorization answer (RFC 8628 §3.2) of the IdP at `base`; lifetimes as `extra` says. */
export function deviceAuthorizationFor(
  base: string,
  extra: { expires_in?: number; interval?: number } = {},
): Record<string, unknown> {
  return {
    device_code: 'device-code',
    user_code: 'ABCD-EFGH',
    verification_uri: `${base}/verify`,
    expires_in: 600,
    interval: 1,
    ...extra,
  };
}

/**
 * The real IdP of a test that attacks something else: discovery, a device login approved
 * before the first poll, and working refresh tokens (`honest-access-N`, `honest-refresh-N`).
 */
export async function honestDeviceIdp(): Promise<HostileServer> {
  let issued = 0;
  return startServer((request, response, base) => {
    if (request.path === '/.well-known/openid-configuration') return json(response, 200, metadataFor(base));
    if (request.path === '/device') return json(response, 200, deviceAuthorizationFor(base));
    if (request.path === '/token') {
      issued += 1;
      return json(response, 200, {
        access_token: `honest-access-${issued}`,
        token_type: 'Bearer',
        expires_in: 3600,
        refresh_token: `honest-refresh-${issued}`,
      });
    }
    json(response, 404, {});
  });
}

/** Writes `total` bytes in `chunk`-sized pieces, waiting for the socket to drain; stops when it closes. */
export async function writeMany(response: ServerResponse, total: number, chunk: Buffer): Promise<number> {
  let sent = 0;
  while (sent < total && !response.destroyed && !response.writableEnded) {
    const ok = response.write(chunk);
    sent += chunk.length;
    if (!ok) {
      await new Promise<void>((resolve) => {
        const done = () => {
          response.off('drain', done);
          response.off('close', done);
          resolve();
        };
        response.on('drain', done);
        response.on('close', done);
      });
    }
  }
  if (!response.destroyed) response.end();
  return sent;
}

export interface ForwardProxy {
  /** `http://127.0.0.1:<port>`, for HTTP_PROXY */
  url: string;
  /** What it was asked for, in order: an absolute URL, or the `host:port` of a CONNECT tunnel. */
  forwarded: string[];
  stop(): Promise<void>;
}

/**
 * A forward proxy on 127.0.0.1 that records what it forwards: absolute-URL requests, and
 * CONNECT tunnels (undici's proxy agent tunnels every request, http: ones too).
 */
export async function startForwardProxy(): Promise<ForwardProxy> {
  const forwarded: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((incoming, response) => {
    const target = incoming.url ?? '';
    forwarded.push(target);
    const outgoing = httpRequest(target, { method: incoming.method, headers: incoming.headers }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    outgoing.on('error', () => response.destroy());
    incoming.pipe(outgoing);
  });
  server.on('connect', (incoming, client: Socket, head: Buffer) => {
    const authority = incoming.url ?? '';
    forwarded.push(authority);
    const [host, port] = [authority.replace(/:\d+$/, ''), Number(authority.split(':').pop())];
    const upstream = connect(port, host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.once('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    forwarded,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
