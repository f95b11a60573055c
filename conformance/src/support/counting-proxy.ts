import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect, type Socket } from 'node:net';

/** One request that went through the proxy to the IdP. */
export interface ProxiedRequest {
  method: string;
  /** Absolute URL of the request at the IdP. */
  url: string;
  /** `grant_type` of a form-encoded POST, when it had one. */
  grantType?: string;
  /** Epoch ms when the proxy received it. */
  at: number;
}

export interface CountingProxy {
  /** `http://127.0.0.1:<port>`: put it in HTTP_PROXY / HTTPS_PROXY of the process under test. */
  url: string;
  requests: ProxiedRequest[];
  /** CONNECT tunnels to TLS origins: counted (also as a CONNECT entry in `requests`), their requests unseen. */
  opaqueTunnels: number;
  stop(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024;

function grantTypeOf(method: string, contentType: string | undefined, body: Buffer): string | undefined {
  if (method !== 'POST' || !contentType?.includes('application/x-www-form-urlencoded')) return undefined;
  return (
    new URLSearchParams(body.subarray(0, MAX_BODY_BYTES).toString('latin1')).get('grant_type') ?? undefined
  );
}

/**
 * A forward proxy on 127.0.0.1 that counts what oidcflow sends to a plain-HTTP IdP.
 *
 * Why a forward proxy: core honours HTTP(S)_PROXY (undici's EnvHttpProxyAgent), so only the
 * process under test goes through it — the browser does not, and the IdP's issuer stays the
 * same. undici tunnels even `http:` origins through CONNECT; for a plain-HTTP origin the tunnel
 * carries readable HTTP, so the proxy parses it with an internal HTTP server and forwards each
 * request itself. TLS tunnels are piped untouched and only counted (`opaqueTunnels`).
 */
export async function startCountingProxy(): Promise<CountingProxy> {
  const requests: ProxiedRequest[] = [];
  const sockets = new Set<Socket>();
  const state = { opaqueTunnels: 0 };

  // Forwards one parsed request to `origin` (host:port) and records it.
  const forward = (origin: string, incoming: IncomingMessage, outgoing: ServerResponse) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const target = new URL(
        incoming.url?.startsWith('http') ? incoming.url : `http://${origin}${incoming.url ?? '/'}`,
      );
      const method = incoming.method ?? 'GET';
      const grantType = grantTypeOf(method, incoming.headers['content-type'], body);
      requests.push({ method, url: target.href, at: Date.now(), ...(grantType ? { grantType } : {}) });
      const headers = { ...incoming.headers };
      delete headers['proxy-connection'];
      const upstream = httpRequest(
        {
          host: target.hostname,
          port: target.port || 80,
          method,
          path: `${target.pathname}${target.search}`,
          headers,
        },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      upstream.on('error', () => {
        if (!outgoing.headersSent) outgoing.writeHead(502);
        outgoing.end();
      });
      upstream.end(body);
    });
  };

  // Parses the plain HTTP carried inside CONNECT tunnels; the origin comes from the tunnel.
  const tunnelParser: Server = createServer((incoming, outgoing) => {
    const origin =
      (incoming.socket as Socket & { tunnelOrigin?: string }).tunnelOrigin ?? incoming.headers.host ?? '';
    forward(origin, incoming, outgoing);
  });

  const server: Server = createServer((incoming, outgoing) =>
    forward(incoming.headers.host ?? '', incoming, outgoing),
  );
  server.on('connect', (incoming: IncomingMessage, client: Socket, head: Buffer) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    const origin = incoming.url ?? '';
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    // A TLS ClientHello starts with 0x16; anything else is plain HTTP we can read.
    const route = (first: Buffer) => {
      if (first[0] === 0x16) {
        state.opaqueTunnels += 1;
        requests.push({ method: 'CONNECT', url: `https://${origin}/`, at: Date.now() });
        const [host, port] = splitHostPort(origin);
        const upstream = connect(port, host, () => {
          upstream.write(first);
          client.pipe(upstream).pipe(client);
        });
        sockets.add(upstream);
        upstream.on('close', () => sockets.delete(upstream));
        upstream.on('error', () => client.destroy());
        return;
      }
      (client as Socket & { tunnelOrigin?: string }).tunnelOrigin = origin;
      client.pause();
      client.unshift(first);
      tunnelParser.emit('connection', client);
      client.resume();
    };
    if (head.length > 0) route(head);
    else client.once('data', route);
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get opaqueTunnels() {
      return state.opaqueTunnels;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        tunnelParser.close();
        server.close(() => resolve());
      }),
  };
}

function splitHostPort(origin: string): [string, number] {
  const index = origin.lastIndexOf(':');
  const host = origin.slice(0, index).replace(/^\[|\]$/g, '');
  return [host, Number(origin.slice(index + 1))];
}
