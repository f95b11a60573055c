import { createHash, type JsonWebKey, randomUUID, webcrypto } from 'node:crypto';
import { publicDpopJwk } from '../protocol/dpop-key.js';

export interface DpopProofInput {
  method: string;
  url: URL;
  accessToken: string;
  /** The resource server's last `DPoP-Nonce`, when it gave one. */
  nonce?: string | undefined;
}

// Imported keys by public key: importing costs about as much as signing, once per request otherwise.
const importedKeys = new Map<string, Promise<webcrypto.CryptoKey>>();
const MAX_IMPORTED_KEYS = 16;

function signingKey(privateJwk: JsonWebKey): Promise<webcrypto.CryptoKey> {
  const id = `${privateJwk.x}.${privateJwk.y}`;
  let key = importedKeys.get(id);
  if (!key) {
    if (importedKeys.size >= MAX_IMPORTED_KEYS) importedKeys.clear();
    key = webcrypto.subtle.importKey(
      'jwk',
      privateJwk as webcrypto.JsonWebKey,
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['sign'],
    );
    importedKeys.set(id, key);
    key.catch(() => importedKeys.delete(id));
  }
  return key;
}

const base64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

/**
 * A DPoP proof for one request to a resource server (RFC 9449 §4.2, §7): `htm`, `htu` (the
 * URL without query and fragment), a fresh `jti`, `iat`, `ath` (hash of the access token)
 * and the server's nonce, signed ES256 with the cache entry's key.
 */
export async function dpopProof(privateJwk: JsonWebKey, input: DpopProofInput): Promise<string> {
  const header = { typ: 'dpop+jwt', alg: 'ES256', jwk: publicDpopJwk(privateJwk) };
  const payload = {
    htm: input.method,
    htu: `${input.url.origin}${input.url.pathname}`,
    iat: Math.floor(Date.now() / 1000),
    jti: randomUUID(),
    ath: createHash('sha256').update(input.accessToken).digest('base64url'),
    ...(input.nonce ? { nonce: input.nonce } : {}),
  };
  const encoder = new TextEncoder();
  const signingInput = `${base64url(encoder.encode(JSON.stringify(header)))}.${base64url(encoder.encode(JSON.stringify(payload)))}`;
  const key = await signingKey(privateJwk);
  // Web Crypto's ECDSA signature is already the JWS form (r || s).
  const signature = await webcrypto.subtle.sign(
    { name: 'ECDSA', hash: 'SHA-256' },
    key,
    encoder.encode(signingInput),
  );
  return `${signingInput}.${base64url(new Uint8Array(signature))}`;
}
