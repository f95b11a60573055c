import { createHash, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { FLOW_KINDS } from '../matrix/subject.js';
import { type ApiServer, startApiServer } from '../support/api-server.js';
import { apiOverrides, noApiAudience } from './fetch.js';
import { check, type Scenario } from './scenario.js';

export const dpop: Scenario = {
  name: 'dpop',
  summary:
    'dpop: true binds the tokens to a key kept with the cache entry; auth.fetch proofs pass every RFC 9449 check, a replayed or foreign-key proof is refused, a later instance reuses the cached key',
  flowKinds: FLOW_KINDS,
  notApplicable(target) {
    if (!target.capabilities.dpop) return `${target.name} is not set up for DPoP`;
    return noApiAudience(target);
  },
  async run(cell) {
    const support = cell.target.capabilities.audience;
    check(support, 'no audience support');
    let api: ApiServer | undefined;
    try {
      api = await startApiServer({
        issuer: cell.target.issuer,
        audience: support.expectedAud,
        caCertPath: cell.target.caCertPath,
        dpop: true,
      });
      const overrides = { ...apiOverrides(cell, [api.origin]), dpop: true };
      const { auth, driver } = await cell.loggingInAuth(overrides);
      const response = await auth.fetch(`${api.origin}/things`);
      await driver?.settled();
      check(
        response.status === 200,
        `the API refused the DPoP request: ${api.seen[0]?.refusal ?? response.status}`,
      );
      const tokens = await auth.getTokens();
      check(tokens.tokenType.toLowerCase() === 'dpop', `the token type is ${tokens.tokenType}, not DPoP`);
      const entry = await cell.cache.get(cell.cacheKey(overrides));
      check(typeof entry?.dpopKey?.d === 'string', 'the DPoP key is not kept with the cache entry');

      const accepted = api.seen[api.seen.length - 1];
      check(accepted?.authorization && accepted.dpop, 'the accepted request is not recorded');
      const replay = await fetch(`${api.origin}/things`, {
        headers: { authorization: accepted.authorization, dpop: accepted.dpop },
      });
      check(replay.status === 401, `a replayed proof got ${replay.status}`);

      const token = tokens.accessToken;
      const other = await generateKeyPair('ES256');
      const foreign = await new SignJWT({
        htm: 'GET',
        htu: `${api.origin}/things`,
        jti: randomUUID(),
        ath: createHash('sha256').update(token).digest('base64url'),
      })
        .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: await exportJWK(other.publicKey) })
        .setIssuedAt()
        .sign(other.privateKey);
      const stolen = await fetch(`${api.origin}/things`, {
        headers: { authorization: `DPoP ${token}`, dpop: foreign },
      });
      check(stolen.status === 401, `a proof made with another key got ${stolen.status}`);

      // A new instance (as a later process) proves possession with the cached key, no login.
      const meter = cell.meter();
      const mark = meter.mark();
      const later = await cell.auth(overrides).fetch(`${api.origin}/things`);
      check(
        later.status === 200,
        `a later instance was refused: ${api.seen[api.seen.length - 1]?.refusal ?? later.status}`,
      );
      if (meter.seesRequests) {
        // auth.fetch reaches the API through the same proxy as the IdP (one HTTP policy): only
        // what went to the IdP counts.
        const toIdp = meter.since(mark).filter((request) => request.path !== '/things');
        check(toIdp.length === 0, 'the later instance asked the IdP although the token was cached');
      }
      return 'DPoP-bound token; proofs accepted; replay and foreign key refused; cached key reused';
    } finally {
      await api?.close();
    }
  },
};
