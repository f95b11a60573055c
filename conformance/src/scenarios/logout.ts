import type { CellHarness } from '../matrix/cell-harness.js';
import { FLOW_KINDS } from '../matrix/subject.js';
import { rawRequest } from '../support/raw-http.js';
import { check, type Scenario } from './scenario.js';

/** Asks the token endpoint for a refresh with `refreshToken`, outside oidcflow; returns the OAuth error. */
export async function refreshError(cell: CellHarness, refreshToken: string): Promise<string | undefined> {
  const metadata = await cell.metadata();
  const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken });
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (cell.client.clientSecret) {
    const pair = `${encodeURIComponent(cell.client.clientId)}:${encodeURIComponent(cell.client.clientSecret)}`;
    headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
  } else body.set('client_id', cell.client.clientId);
  const response = await rawRequest(String(metadata.token_endpoint), {
    method: 'POST',
    headers,
    body: body.toString(),
    ...(cell.target.caCertPath ? { caCertPath: cell.target.caCertPath } : {}),
  });
  if (response.status === 200) return undefined;
  try {
    return String((JSON.parse(response.body) as { error?: unknown }).error);
  } catch {
    return `HTTP ${response.status}`;
  }
}

export const logout: Scenario = {
  name: 'logout',
  summary: 'logout removes the cached tokens and revokes them where the IdP advertises revocation',
  flowKinds: FLOW_KINDS,
  forCachePlugins: true,
  async run(cell) {
    const { tokens } = await cell.logIn();
    const result = await cell.auth().logout();
    check(result.removed, 'logout reported that nothing was removed');
    check(
      (await cell.cache.get(cell.cacheKey())) === undefined,
      'the entry is still in the cache after logout',
    );
    const revocable = cell.target.capabilities.revocation;
    check(
      result.revoked === revocable,
      revocable
        ? 'the IdP advertises revocation, but the tokens were not revoked'
        : 'revoked at an IdP without revocation?',
    );
    if (!revocable) return 'the cache entry is gone; the IdP advertises no revocation endpoint';
    if (!tokens.refreshToken) return 'the cache entry is gone and the access token was revoked at the IdP';
    const error = await refreshError(cell, tokens.refreshToken);
    check(error !== undefined, 'the revoked refresh token still works at the token endpoint');
    return `the cache entry is gone, and the revoked refresh token is refused (${error})`;
  },
};
