import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import forge from 'node-forge';

/** A private CA made at run time, and a server certificate it signed. PEM strings. */
export interface TestCertificates {
  caCertificate: string;
  serverKey: string;
  serverCertificate: string;
}

// Keys come from node:crypto (fast, native); node-forge only assembles and signs the certificates.
function rsaKeyPair(): { privatePem: string; forgeKeys: forge.pki.rsa.KeyPair } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privatePem = privateKey.export({ format: 'pem', type: 'pkcs1' }).toString();
  const forgePrivate = forge.pki.privateKeyFromPem(privatePem) as forge.pki.rsa.PrivateKey;
  const forgePublic = forge.pki.setRsaPublicKey(forgePrivate.n, forgePrivate.e);
  return { privatePem, forgeKeys: { privateKey: forgePrivate, publicKey: forgePublic } };
}

function serialNumber(): string {
  // Positive (leading bit clear) and unique per run.
  return `01${randomBytes(15).toString('hex')}`;
}

function validity(certificate: forge.pki.Certificate): void {
  certificate.validity.notBefore = new Date(Date.now() - 60_000);
  certificate.validity.notAfter = new Date(Date.now() + 2 * 24 * 3600_000);
}

/**
 * A CA ("oidcflow conformance test CA", valid two days) and a certificate for `hosts`
 * (IP addresses or DNS names) that it signed, so a client that trusts only the system roots
 * refuses the server and one given the CA file accepts it.
 */
export function generateTestCertificates(
  hosts: readonly string[] = ['127.0.0.1', 'localhost'],
): TestCertificates {
  const ca = rsaKeyPair();
  const caCertificate = forge.pki.createCertificate();
  caCertificate.publicKey = ca.forgeKeys.publicKey;
  caCertificate.serialNumber = serialNumber();
  validity(caCertificate);
  const caName = [
    { name: 'commonName', value: `oidcflow conformance test CA ${randomBytes(4).toString('hex')}` },
  ];
  caCertificate.setSubject(caName);
  caCertificate.setIssuer(caName);
  caCertificate.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  caCertificate.sign(ca.forgeKeys.privateKey, forge.md.sha256.create());

  const server = rsaKeyPair();
  const serverCertificate = forge.pki.createCertificate();
  serverCertificate.publicKey = server.forgeKeys.publicKey;
  serverCertificate.serialNumber = serialNumber();
  validity(serverCertificate);
  serverCertificate.setSubject([{ name: 'commonName', value: hosts[0] ?? '127.0.0.1' }]);
  serverCertificate.setIssuer(caName);
  serverCertificate.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: hosts.map((host) =>
        /^[\d.]+$|:/.test(host) ? { type: 7, ip: host } : { type: 2, value: host },
      ),
    },
    {
      name: 'authorityKeyIdentifier',
      keyIdentifier: caCertificate.generateSubjectKeyIdentifier().getBytes(),
    },
  ]);
  serverCertificate.sign(ca.forgeKeys.privateKey, forge.md.sha256.create());

  return {
    caCertificate: forge.pki.certificateToPem(caCertificate),
    serverKey: server.privatePem,
    serverCertificate: forge.pki.certificateToPem(serverCertificate),
  };
}

/** Writes the CA certificate to `directory/ca.pem` (what `caCertPath` points at) and returns its path. */
export async function writeCaFile(certificates: TestCertificates, directory: string): Promise<string> {
  const path = join(directory, 'ca.pem');
  await writeFile(path, certificates.caCertificate, { mode: 0o644 });
  return path;
}
