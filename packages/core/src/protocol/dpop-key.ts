import type { JsonWebKey, webcrypto } from 'node:crypto';

/**
 * The DPoP key of a cache entry (RFC 9449): an ES256 key pair made at login and kept with the
 * entry as a private JWK, so a later process proves possession with the same key. Node's Web
 * Crypto only: nothing here loads on the cache-hit path.
 */
const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/** The members `names` of a JWK that has them (a P-256 key has all five), and no others. */
function jwkMembers(
  jwk: JsonWebKey | webcrypto.JsonWebKey,
  names: readonly ('kty' | 'crv' | 'x' | 'y' | 'd')[],
) {
  const members: JsonWebKey = {};
  for (const name of names) {
    const value = jwk[name];
    if (typeof value === 'string') members[name] = value;
  }
  return members;
}

/** A new ES256 key pair, as the private JWK stored with the cache entry. */
export async function createDpopKey(): Promise<JsonWebKey> {
  const pair = await crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  return jwkMembers(await crypto.subtle.exportKey('jwk', pair.privateKey), ['kty', 'crv', 'x', 'y', 'd']);
}

/** The public half of a stored DPoP key. */
export function publicDpopJwk(privateJwk: JsonWebKey): JsonWebKey {
  return jwkMembers(privateJwk, ['kty', 'crv', 'x', 'y']);
}

/** The stored key as a `CryptoKeyPair`; the private key is not extractable from here on. */
export async function dpopKeyPair(privateJwk: JsonWebKey): Promise<webcrypto.CryptoKeyPair> {
  const [privateKey, publicKey] = await Promise.all([
    crypto.subtle.importKey('jwk', privateJwk, ALGORITHM, false, ['sign']),
    crypto.subtle.importKey('jwk', publicDpopJwk(privateJwk), ALGORITHM, true, ['verify']),
  ]);
  return { privateKey, publicKey };
}
