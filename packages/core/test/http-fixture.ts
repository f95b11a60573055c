import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FixtureServer {
  url: string;
  requests: string[];
  stop(): Promise<void>;
}

/** A 127.0.0.1 server on an OS-chosen port answering with `handler`; records request paths. */
export async function startFixtureServer(
  handler: (request: IncomingMessage, response: ServerResponse, baseUrl: string) => void,
): Promise<FixtureServer> {
  const requests: string[] = [];
  let baseUrl = '';
  const server: Server = createServer((request, response) => {
    requests.push(request.url ?? '');
    handler(request, response, baseUrl);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: baseUrl,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

/** A port nothing listens on: bound then released. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
