import { createPrivateKey, type KeyObject, webcrypto } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { expandHome } from '../config/home.js';
import { ErrorCode } from '../errors/codes.js';
import { OidcflowError } from '../errors/oidcflow-error.js';

/** A private key for private_key_jwt client authentication, as openid-client takes it. */
export interface ClientPrivateKey {
  key: webcrypto.CryptoKey;
  kid?: string;
}

function unusable(path: string, why: string, cause?: unknown): OidcflowError {
  return new OidcflowError(
    ErrorCode.CONFIG_INVALID,
    `privateKeyPath "${path}" ${why}. Give a PKCS#8 PEM file ("-----BEGIN PRIVATE KEY-----") or a private JWK (JSON) of an RSA, EC (P-256/384/521) or Ed25519 key.`,
    cause === undefined ? {} : { cause },
  );
}

/** Web Crypto import parameters for a Node key object (the algorithm openid-client signs with). */
function importParameters(
  key: KeyObject,
): webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams | { name: 'Ed25519' } | undefined {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      const namedCurve = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' }[curve ?? ''];
      return namedCurve ? { name: 'ECDSA', namedCurve } : undefined;
    }
    case 'ed25519':
      return { name: 'Ed25519' };
    default:
      return undefined;
  }
}

/** Reads the private key file (`~` expanded): PEM or JWK. The key never leaves this process. */
export async function loadClientPrivateKey(
  path: string,
  home: string,
  kid?: string,
): Promise<ClientPrivateKey> {
  let text: string;
  try {
    text = await readFile(expandHome(path, home), 'utf8');
  } catch (error) {
    throw unusable(path, `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, error);
  }
  let keyObject: KeyObject;
  let jwkKid: string | undefined;
  try {
    if (text.trimStart().startsWith('{')) {
      const jwk = JSON.parse(text) as { kid?: string };
      jwkKid = typeof jwk.kid === 'string' ? jwk.kid : undefined;
      keyObject = createPrivateKey({ key: jwk as never, format: 'jwk' });
    } else {
      keyObject = createPrivateKey(text);
    }
  } catch (error) {
    throw unusable(path, 'holds no private key oidcflow can read', error);
  }
  const parameters = importParameters(keyObject);
  if (!parameters)
    throw unusable(path, `holds a ${keyObject.asymmetricKeyType} key, which cannot sign a client assertion`);
  const der = keyObject.export({ format: 'der', type: 'pkcs8' });
  const key = await webcrypto.subtle.importKey('pkcs8', der, parameters, false, ['sign']);
  const keyId = kid ?? jwkKid;
  return { key, ...(keyId ? { kid: keyId } : {}) };
}
