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
  /** Token requests (those with a grant type): the IdP's HTTP status and OAuth `error`, once answered. */
  status?: number;
  oauthError?: string;
}

/** Changes a JSON answer of the IdP before the client sees it. */
export interface JsonRewrite {
  /** Answers to requests whose path ends with this (e.g. `/auth/device`) are rewritten. */
  pathSuffix: string;
  /** Gets the parsed JSON of a 2xx answer; returns what the client receives instead. */
  rewrite(body: Record<string, unknown>): Record<string, unknown>;
}

export interface CountingProxyOptions {
  /**
   * Rewrite answers, e.g. a device authorization response advertising another `interval` or
   * `expires_in` than the IdP enforces, so the IdP's own `slow_down` or `expired_token` follows.
   */
  rewrite?: JsonRewrite;
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
export async function startCountingProxy(options: CountingProxyOptions = {}): Promise<CountingProxy> {
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
      const entry: ProxiedRequest = {
        method,
        url: target.href,
        at: Date.now(),
        ...(grantType ? { grantType } : {}),
      };
      requests.push(entry);
      const rewrite = options.rewrite && target.pathname.endsWith(options.rewrite.pathSuffix);
      const readAnswer = rewrite || grantType !== undefined;
      const headers = { ...incoming.headers };
      delete headers['proxy-connection'];
      // An answer the proxy reads must come uncompressed.
      if (readAnswer) headers['accept-encoding'] = 'identity';
      const upstream = httpRequest(
        {
          host: target.hostname,
          port: target.port || 80,
          method,
          path: `${target.pathname}${target.search}`,
          headers,
        },
        (answer) => {
          if (!readAnswer) {
            outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(outgoing);
            return;
          }
          const parts: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => parts.push(chunk));
          answer.on('end', () => {
            const status = answer.statusCode ?? 502;
            let payload = Buffer.concat(parts);
            const json = jsonOf(payload);
            if (grantType) {
              entry.status = status;
              if (typeof json?.error === 'string') entry.oauthError = json.error;
            }
            if (rewrite && json && status >= 200 && status < 300 && options.rewrite) {
              payload = Buffer.from(JSON.stringify(options.rewrite.rewrite(json)));
            }
            const answerHeaders = { ...answer.headers, 'content-length': String(payload.length) };
            delete answerHeaders['transfer-encoding'];
            outgoing.writeHead(status, answerHeaders);
            outgoing.end(payload);
          });
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

function jsonOf(payload: Buffer): Record<string, unknown> | undefined {
  if (payload.length > MAX_BODY_BYTES) return undefined;
  try {
    const value: unknown = JSON.parse(payload.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function splitHostPort(origin: string): [string, number] {
  const index = origin.lastIndexOf(':');
  const host = origin.slice(0, index).replace(/^\[|\]$/g, '');
  return [host, Number(origin.slice(index + 1))];
}
