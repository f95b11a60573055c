import type { Plugin } from '@oidcflow/core';
import type { CellHarness } from '../matrix/cell-harness.js';
import { FLOW_KINDS } from '../matrix/subject.js';
import { type ApiServer, startApiServer } from '../support/api-server.js';
import type { RunningTarget } from '../targets/target.js';
import { check, type Scenario } from './scenario.js';

/** Options that get a JWT access token for the target's test API (the audience capability). */
export function apiOverrides(cell: CellHarness, origins: readonly string[]) {
  const support = cell.target.capabilities.audience;
  check(support, 'no audience support');
  const extra: Plugin[] = !cell.subject.idpPlugin && support.idpPlugin ? [support.idpPlugin] : [];
  return {
    audience: support.audience,
    scopes: [...cell.client.scopes, ...(support.scopes ?? [])],
    plugins: cell.plugins(extra),
    allowedOrigins: origins,
  };
}

export function noApiAudience(target: RunningTarget): string | undefined {
  return target.capabilities.audience
    ? undefined
    : `${target.name} is not set up with an audience, so its access tokens cannot be checked by a test API`;
}

export const fetchScenario: Scenario = {
  name: 'fetch',
  summary:
    'auth.fetch sends the token to the API, refreshes once and retries once on 401 invalid_token, and a redirect to another origin does not carry it',
  flowKinds: FLOW_KINDS,
  notApplicable: (target) => noApiAudience(target),
  async run(cell) {
    const support = cell.target.capabilities.audience;
    check(support, 'no audience support');
    const servers: ApiServer[] = [];
    try {
      const common = {
        issuer: cell.target.issuer,
        audience: support.expectedAud,
        caCertPath: cell.target.caCertPath,
      };
      const elsewhere = await startApiServer(common);
      servers.push(elsewhere);
      const api = await startApiServer({ ...common, redirectTo: `${elsewhere.origin}/landing` });
      servers.push(api);
      const overrides = apiOverrides(cell, [api.origin]);
      const { auth, driver } = await cell.loggingInAuth(overrides);
      const first = await auth.fetch(`${api.origin}/things`);
      await driver?.settled();
      check(
        first.status === 200,
        `the API answered ${first.status} to the first request (${api.seen[0]?.refusal ?? ''})`,
      );
      const firstToken = (await auth.getTokens()).accessToken;

      // The API revokes the token: one refresh, one retry with the new token.
      api.refused.add(firstToken);
      const before = api.seen.length;
      const retried = await auth.fetch(`${api.origin}/things`, { method: 'POST', body: 'payload' });
      check(retried.status === 200, `after a 401 invalid_token the retry got ${retried.status}`);
      const attempts = api.seen.slice(before);
      check(attempts.length === 2, `expected 2 requests (refused, retried), the API saw ${attempts.length}`);
      check(
        attempts[0]?.refusal?.startsWith('invalid_token') === true,
        'the first request was not the refused one',
      );
      check(
        attempts[1]?.authorization !== attempts[0]?.authorization,
        'the retry carried the refused token again',
      );
      check((await auth.getTokens()).accessToken !== firstToken, 'the refused token is still cached');

      // A redirect to another origin is followed without the token.
      await auth.fetch(`${api.origin}/redirect`);
      check(
        elsewhere.seen.length === 1,
        `the other origin saw ${elsewhere.seen.length} requests, expected 1`,
      );
      check(elsewhere.seen[0]?.scheme === undefined, 'the redirect to another origin carried the token');
      return 'token sent; 401 invalid_token → 1 refresh + 1 retry (200); cross-origin redirect without the token';
    } finally {
      await Promise.all(servers.map((server) => server.close()));
    }
  },
};
