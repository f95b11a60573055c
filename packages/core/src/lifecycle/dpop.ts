import type { JsonWebKey } from 'node:crypto';
import { createDpopKey, dpopKeyPair } from '../protocol/dpop-key.js';
import type { DPoPHandle, OpenIdSession } from '../protocol/openid-session.js';

/**
 * DPoP (RFC 9449) in the lifecycle: a new key per login (its tokens are bound to it, and it is
 * cached with them), and the handle that proves possession of a cached key on a refresh.
 */
export const newDpopKey = createDpopKey;

/** openid-client's DPoP handle for the entry's private key. */
export async function dpopHandle(session: OpenIdSession, privateJwk: JsonWebKey): Promise<DPoPHandle> {
  return session.client.getDPoPHandle(session.configuration, await dpopKeyPair(privateJwk));
}
