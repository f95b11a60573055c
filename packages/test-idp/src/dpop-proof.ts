import { createHash } from 'node:crypto';
import { calculateJwkThumbprint, EmbeddedJWK, type JWK, jwtVerify } from 'jose';

/** One request's DPoP proof, and what it must match (RFC 9449 §4.3). */
export interface DpopProofCheck {
  /** The request's `DPoP` header. */
  proof: string | string[] | undefined;
  method: string;
  /** The URL the request went to, without query and fragment: the proof's `htu`. */
  url: string;
  /** The access token sent with it: the proof's `ath` is its hash. */
  accessToken: string;
  /** The thumbprint of the key the access token is bound to (its `cnf.jkt`). */
  boundKey: string | undefined;
  /** The `jti`s of the proofs accepted so far; this proof's is added. */
  seenJti: Set<string>;
  /** The server's nonce, when it demands one (RFC 9449 §9). */
  nonce?: string;
  /** The signature algorithms taken. @default ['ES256', 'RS256', 'PS256', 'EdDSA'] */
  algorithms?: string[];
}

const PROOF_LIFETIME_SECONDS = 60;

/**
 * Why a resource server refuses a request's DPoP proof (an `invalid_dpop_proof`, `invalid_token`
 * or `use_dpop_nonce` reason), or undefined when the proof is valid. Valid means: signed by
 * the key embedded in it, `typ` dpop+jwt, `htm` and `htu` of this request, `iat` within a
 * minute, a `jti` never seen before, `ath` the hash of the access token, the key's thumbprint
 * the one the token is bound to, and the nonce when one is demanded.
 */
export async function dpopProofRefusal(check: DpopProofCheck): Promise<string | undefined> {
  if (typeof check.proof !== 'string') return 'invalid_dpop_proof: no DPoP header';
  let claims: Record<string, unknown>;
  let jwk: JWK;
  try {
    const verified = await jwtVerify(check.proof, EmbeddedJWK, {
      typ: 'dpop+jwt',
      algorithms: check.algorithms ?? ['ES256', 'RS256', 'PS256', 'EdDSA'],
    });
    claims = verified.payload;
    jwk = verified.protectedHeader.jwk as JWK;
  } catch {
    return 'invalid_dpop_proof: bad signature or header';
  }
  if (claims.htm !== check.method) return 'invalid_dpop_proof: htm';
  if (claims.htu !== check.url) return 'invalid_dpop_proof: htu';
  const iat = claims.iat;
  if (typeof iat !== 'number' || Math.abs(Date.now() / 1000 - iat) > PROOF_LIFETIME_SECONDS)
    return 'invalid_dpop_proof: iat';
  const jti = claims.jti;
  if (typeof jti !== 'string' || check.seenJti.has(jti)) return 'invalid_dpop_proof: jti replayed';
  check.seenJti.add(jti);
  if (claims.ath !== createHash('sha256').update(check.accessToken).digest('base64url'))
    return 'invalid_dpop_proof: ath';
  if (!check.boundKey || check.boundKey !== (await calculateJwkThumbprint(jwk)))
    return 'invalid_token: the proof key is not the key the token is bound to';
  if (check.nonce !== undefined && claims.nonce !== check.nonce) return 'use_dpop_nonce: nonce';
  return undefined;
}
