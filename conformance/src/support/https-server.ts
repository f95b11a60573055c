import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import { listenOnLoopback } from '@oidcflow/test-idp';
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
  const listening = await listenOnLoopback(
    createServer({ key: certificates.serverKey, cert: certificates.serverCertificate }, handler),
  );
  return { url: `https://127.0.0.1:${listening.port}`, caCertPath, stop: listening.close };
}
