import { createServer, type IncomingMessage, type Server } from 'node:http';
import { listenOnLoopback } from '@oidcflow/test-idp';

/**
 * A device authorization endpoint that answers the way Google's does: it forwards each POST to
 * the real endpoint and renames `verification_uri` to `verification_url` in a successful JSON
 * answer (Google's device endpoint predates RFC 8628's name). Listens on 127.0.0.1, plain HTTP,
 * in front of an HTTP target.
 */
export interface GoogleStyleDeviceProxy {
  /** Give it as the `deviceAuthorizationEndpoint` option. */
  url: string;
  /** How many answers had `verification_uri` renamed so far. */
  renamed(): number;
  stop(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024;
/** Headers of the client's request worth passing on (client authentication, form encoding). */
const FORWARDED = ['authorization', 'content-type', 'accept', 'dpop'];

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function startGoogleStyleDeviceProxy(target: string): Promise<GoogleStyleDeviceProxy> {
  let renamed = 0;
  const server: Server = createServer((request, response) => {
    void (async () => {
      try {
        const headers = new Headers();
        for (const name of FORWARDED) {
          const value = request.headers[name];
          if (typeof value === 'string') headers.set(name, value);
        }
        const upstream = await fetch(target, {
          method: request.method ?? 'POST',
          headers,
          ...(request.method === 'POST' ? { body: new Uint8Array(await readBody(request)) } : {}),
          signal: AbortSignal.timeout(20_000),
        });
        let text = await upstream.text();
        const type = upstream.headers.get('content-type') ?? 'application/octet-stream';
        if (upstream.ok && type.includes('json')) {
          const body = JSON.parse(text) as Record<string, unknown>;
          if ('verification_uri' in body) {
            const { verification_uri, ...rest } = body;
            text = JSON.stringify({ ...rest, verification_url: verification_uri });
            renamed += 1;
          }
        }
        response.writeHead(upstream.status, { 'content-type': type, 'cache-control': 'no-store' });
        response.end(text);
      } catch (error) {
        response.writeHead(502, { 'content-type': 'text/plain' });
        response.end(`proxy error: ${(error as Error).message}`);
      }
    })();
  });
  const { port, close } = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}/device/code`,
    renamed: () => renamed,
    stop: close,
  };
}
