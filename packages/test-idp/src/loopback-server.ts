import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/** A server listening on 127.0.0.1, on a port the OS chose. */
export interface LoopbackServer {
  port: number;
  /** Closes it, open keep-alive connections included; resolves once it is closed. */
  close(): Promise<void>;
}

/**
 * Starts `server` listening on 127.0.0.1 with a port from the OS (what every server a test
 * starts does), and gives the way to close it without waiting for idle connections.
 */
export async function listenOnLoopback(server: HttpServer | HttpsServer): Promise<LoopbackServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
