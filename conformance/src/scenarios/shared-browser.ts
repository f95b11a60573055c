import { rawRequest } from '../support/raw-http.js';
import type { TestUser } from '../targets/test-user.js';
import { loginThrough, ownBrowserFlowOnly, signInPagesUnread } from './login-request.js';
import { refreshError } from './logout.js';
import { check, type Scenario } from './scenario.js';

/** What the IdP's userinfo endpoint answers to `accessToken` (the harness's own request). */
async function userinfoStatus(cell: Parameters<Scenario['run']>[0], accessToken: string): Promise<number> {
  const metadata = await cell.metadata();
  const response = await rawRequest(String(metadata.userinfo_endpoint), {
    headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
    ...(cell.target.caCertPath ? { caCertPath: cell.target.caCertPath } : {}),
  });
  return response.status;
}

/**
 * A second account logged in where the first one's IdP session is: alice signs in, then bob
 * logs in with `account` (oidcflow sends login_hint=bob and prompt=login) in the same browser,
 * as `oidcflow login --account bob` on a user's machine does. Bob must get his own login page
 * (pre-filled) and his own tokens; what his sign-in did to alice's tokens (userinfo, refresh)
 * is what the detail reports.
 */
export const sharedBrowser: Scenario = {
  name: 'two users, one browser',
  summary:
    "login --account bob in the browser where alice has the IdP's session: bob's sign-in page (login_hint) and tokens; alice's tokens afterwards (userinfo, refresh) reported",
  flowKinds: ['browser'],
  notApplicable: (target, subject) =>
    (target.otherUser ? undefined : `${target.name} names no second user to log in`) ??
    signInPagesUnread(target) ??
    ownBrowserFlowOnly(subject),
  async run(cell) {
    const alice = cell.target.user;
    const bob = cell.target.otherUser as TestUser;
    const session = await cell.browserSession();
    const aliceDriver = await cell.loginDriver('approve', { session, user: alice });
    const bobDriver = await cell.loginDriver('approve', { session, user: bob });

    const { accessToken, refreshToken } = (await loginThrough(cell, aliceDriver)).tokens;
    const before = await userinfoStatus(cell, accessToken);
    check(before === 200, `userinfo refused ${alice.username}'s new access token (HTTP ${before})`);

    const bobLogin = await cell
      .auth({ account: bob.username, ports: { openUrl: (url) => bobDriver.openUrl(url) } })
      .getTokens();
    await bobDriver.settled();
    const page = bobDriver.signIns.at(-1);
    check(page !== undefined, `the IdP asked ${bob.username} nothing: ${alice.username}'s session answered`);
    check(
      page.usernameEditable && page.username === bob.username,
      `${bob.username}'s sign-in page showed "${page.username}"${page.usernameEditable ? '' : ' (no user name field)'}, not the login_hint ${bob.username}`,
    );
    check(bobLogin.idTokenClaims?.sub !== undefined, `${bob.username}'s login returned no ID token`);
    // A page before it that named another user: the IdP re-authenticated alice, and the page
    // script restarted the login (Keycloak's "restart login") as a person has to.
    const first = bobDriver.signIns[0];
    const restartedFrom =
      bobDriver.signIns.length > 1 && first && !first.usernameEditable ? first.username : undefined;

    const after = await userinfoStatus(cell, accessToken);
    const refused = refreshToken ? await refreshError(cell, refreshToken) : 'no refresh token';
    const how = restartedFrom
      ? `the IdP first asked the password of "${restartedFrom}" (its session's user, login_hint ignored); after "restart login" ${bob.username} signed in on a pre-filled page`
      : `${bob.username} signed in on a pre-filled page`;
    return `in the browser of ${alice.username}'s session, ${how}; then ${alice.username}'s access token at userinfo: HTTP ${after} (200 before), her refresh token: ${refused ? `refused (${refused})` : 'still refreshes'}`;
  },
};
