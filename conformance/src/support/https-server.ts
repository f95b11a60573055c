import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generateTestCertificates, writeCaFile } from '../targets/tls/test-ca.js';

/** An HTTPS server on 127.0.0.1 (port from the OS) with a certificate from a CA made for it. */
export interface LocalHttpsServer {
  url: string;
  /** PEM file of the CA that signed the server's certificate (kubectl's certificate-authority, git's sslCAInfo). */
  caCertPath: string;
  stop(): Promise<void>;
}

export async function startHttpsServer(
  directory: string,
  handler: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<LocalHttpsServer> {
  const certificates = generateTestCertificates(['127.0.0.1']);
  const caCertPath = await writeCaFile(certificates, directory);
  const server: Server = createServer(
    { key: certificates.serverKey, cert: certificates.serverCertificate },
    handler,
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    caCertPath,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
