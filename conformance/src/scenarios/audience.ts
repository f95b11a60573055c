import type { Plugin } from '@oidcflow/core';
import { FLOW_KINDS } from '../matrix/subject.js';
import { audienceOf, jwtClaims } from '../support/jwt.js';
import { check, type Scenario } from './scenario.js';

export const audience: Scenario = {
  name: 'audience',
  summary: "the audience option reaches the IdP the way it takes it, and lands in the access token's aud",
  flowKinds: FLOW_KINDS,
  forIdpPlugins: true,
  notApplicable(target, subject) {
    const support = target.capabilities.audience;
    if (!support) return `${target.name} is not set up with an audience`;
    if (!subject.idpPlugin) return undefined;
    // An IdP plugin is written for its own IdP: it can only be shown working on a target that
    // takes the audience the same way ('none' fits an IdP that maps it itself).
    const style = subject.idpPlugin.audienceParameter ?? 'audience';
    const fits =
      style === support.sentAs ||
      (style === 'both' && support.sentAs !== 'mapper') ||
      (style === 'none' && support.sentAs === 'mapper');
    return fits
      ? undefined
      : `${target.name} takes the audience ${support.sentAs === 'mapper' ? 'through a mapper' : `as "${support.sentAs}"`}; this plugin sends it as "${style}"`;
  },
  async run(cell) {
    const support = cell.target.capabilities.audience;
    check(support, 'no audience support');
    // An IdP plugin under test decides how the audience is sent; otherwise the target's own.
    const extra: Plugin[] = !cell.subject.idpPlugin && support.idpPlugin ? [support.idpPlugin] : [];
    const overrides = {
      audience: support.audience,
      scopes: [...cell.client.scopes, ...(support.scopes ?? [])],
      plugins: cell.plugins(extra),
    };
    const { tokens } = await cell.logIn(overrides);
    const claims = jwtClaims(tokens.accessToken);
    check(claims, 'the access token is not a JWT, so its audience cannot be read');
    const aud = audienceOf(claims);
    check(
      aud.includes(support.expectedAud),
      `the access token's aud is [${aud.join(', ')}], not ${support.expectedAud}`,
    );
    const saved = await cell.cache.get(cell.cacheKey(overrides));
    check(
      saved?.tokens.accessToken === tokens.accessToken,
      'the token was not cached under the audience key',
    );
    check(
      (await cell.cache.get(cell.cacheKey())) === undefined,
      'the audience token was also cached under the key without audience',
    );
    return `aud contains ${support.expectedAud} (sent as ${support.sentAs}); cached under its own key`;
  },
};
