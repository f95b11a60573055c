import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer, type ServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import forge from 'node-forge';

/**
 * A certificate for 127.0.0.1, signed by a CA made for this run, in PEM; the CA alone is what a
 * client must be given (`caCertPath`) to trust the server. Keys come from node:crypto,
 * node-forge only assembles and signs the certificates.
 */
export function privateCaCertificates(): { ca: string; key: string; cert: string } {
  const keyPair = () => {
    const pem = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ format: 'pem', type: 'pkcs1' })
      .toString();
    const privateKey = forge.pki.privateKeyFromPem(pem) as forge.pki.rsa.PrivateKey;
    return { pem, privateKey, publicKey: forge.pki.setRsaPublicKey(privateKey.n, privateKey.e) };
  };
  const certificate = (publicKey: forge.pki.PublicKey, subject: forge.pki.CertificateField[]) => {
    const made = forge.pki.createCertificate();
    made.publicKey = publicKey;
    made.serialNumber = `01${randomBytes(15).toString('hex')}`;
    made.validity.notBefore = new Date(Date.now() - 60_000);
    made.validity.notAfter = new Date(Date.now() + 24 * 3600_000);
    made.setSubject(subject);
    return made;
  };
  const caKeys = keyPair();
  const caName = [
    { name: 'commonName', value: `oidcflow hostile test CA ${randomBytes(4).toString('hex')}` },
  ];
  const ca = certificate(caKeys.publicKey, caName);
  ca.setIssuer(caName);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
  ]);
  ca.sign(caKeys.privateKey, forge.md.sha256.create());
  const serverKeys = keyPair();
  const server = certificate(serverKeys.publicKey, [{ name: 'commonName', value: '127.0.0.1' }]);
  server.setIssuer(caName);
  server.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
  ]);
  server.sign(caKeys.privateKey, forge.md.sha256.create());
  return {
    ca: forge.pki.certificateToPem(ca),
    key: serverKeys.pem,
    cert: forge.pki.certificateToPem(server),
  };
}

export interface PrivateCaServer {
  /** `https://127.0.0.1:<port>` */
  url: string;
  /** The CA's PEM file. */
  caCertPath: string;
  /** Authorization headers the server saw, in order. */
  authorizations: Array<string | undefined>;
  stop(): Promise<void>;
}

/** An HTTPS API on 127.0.0.1 whose certificate only `caCertPath` makes trusted; answers 200 "trusted". */
export async function startPrivateCaServer(directory: string): Promise<PrivateCaServer> {
  const { ca, key, cert } = privateCaCertificates();
  const caCertPath = join(directory, 'private-ca.pem');
  await writeFile(caCertPath, ca);
  const authorizations: Array<string | undefined> = [];
  const options: ServerOptions = { key, cert };
  const server = createServer(options, (request, response) => {
    authorizations.push(request.headers.authorization);
    response.writeHead(200, { 'content-type': 'text/plain' }).end('trusted');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    caCertPath,
    authorizations,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
