import type { BrowserSession } from '../browser-bridge/browser-provider.js';
import type { CellHarness } from '../matrix/cell-harness.js';
import { rawRequest } from '../support/raw-http.js';
import type { TestUser } from '../targets/test-user.js';
import { startAccountsBench } from './accounts-bench.js';
import { firstPartyFlowsOnly } from './consumer-tool.js';
import { signInPagesUnread } from './login-request.js';
import { refreshError } from './logout.js';
import { check, type Scenario } from './scenario.js';

/** `oidcflow`'s exit code when a login is needed and may not run (packages/cli/src/exit-codes.ts). */
const EXIT_NOT_LOGGED_IN = 3;
/** `oidcflow`'s exit code for a refused login, ACCOUNT_MISMATCH included. */
const EXIT_LOGIN_DENIED = 4;
const SIGN_OUT_TIMEOUT_MS = 15_000;

/** What the IdP's userinfo endpoint answers to `accessToken` (the harness's own request). */
async function userinfoStatus(cell: CellHarness, accessToken: string): Promise<number> {
  const metadata = await cell.metadata();
  const response = await rawRequest(String(metadata.userinfo_endpoint), {
    headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
    ...(cell.target.caCertPath ? { caCertPath: cell.target.caCertPath } : {}),
  });
  return response.status;
}

/**
 * Signs the browser `session` out at the IdP's end-session page, as a user does there
 * (oidc-provider's "Yes, sign me out", Keycloak's "Logout"): its session ends.
 */
async function signOutAtIdp(cell: CellHarness, session: BrowserSession): Promise<void> {
  const endSession = (await cell.metadata()).end_session_endpoint;
  check(typeof endSession === 'string', `${cell.target.name} advertises no end_session_endpoint`);
  const page = await session.newPage();
  try {
    await page.goto(String(endSession));
    await page
      .locator('button[name="logout"][value="yes"], #kc-logout')
      .first()
      .click({ timeout: SIGN_OUT_TIMEOUT_MS });
    await page.waitForLoadState('load');
    const text = (await page.locator('body').textContent()) ?? '';
    check(
      /Sign-out Success|logged out/i.test(text),
      `the IdP's sign-out page did not confirm it: ${text.trim().slice(0, 200)}`,
    );
  } finally {
    await page.close();
  }
}

/**
 * A second account signed in where the first one's IdP session is, all through the built CLI
 * as a user runs it: alice logs in; `oidcflow login --account bob` in the same browser must warn
 * first (alice's session may end; a private window keeps both), bob gets his own pre-filled
 * page (login_hint) and tokens, and the IdP ends alice's session. `accounts use alice` must then
 * check her with a refresh, and end with exit 3 and the words that say her session ended and
 * how to log her in again, switching nothing; kubectl and git (a host that checks tokens at
 * userinfo) keep coming as bob and are never handed a dead token. `login --account alice` in a
 * browser of her own brings her back, and bob, whose session that sign-in left alone, passes
 * his check at `accounts use bob`. With the device flow the notice comes before the code and
 * tells to approve it in a private window; where the IdP's page approves the code as the
 * browser's user without asking (oidc-provider, Keycloak), bob's login fails with
 * ACCOUNT_MISMATCH, nothing is stored and alice's session lives on; signed out at the IdP's
 * page there, bob's next code is his, alice's session is over, and the rest goes as above.
 */
export const sharedBrowser: Scenario = {
  name: 'two users, one browser',
  summary:
    'login --account bob where alice has the IdP session: a notice first; the IdP ends her session; accounts use alice checks it (one refresh), exit 3 with how to log her in; kubectl and git get no dead token; alice back from a private window, bob still usable',
  flowKinds: ['browser', 'device'],
  notApplicable: (target, subject) =>
    firstPartyFlowsOnly(target, subject) ??
    (target.otherUser ? undefined : `${target.name} names no second user to log in`) ??
    signInPagesUnread(target),
  async run(cell) {
    const alice = cell.target.user;
    const bob = cell.target.otherUser as TestUser;
    const device = cell.subject.flowKind === 'device';
    const bench = await startAccountsBench(cell, 'shared-browser');
    const oneBrowser = await cell.browserSession();
    const aliceDriver = bench.driver(alice, oneBrowser);
    const bobDriver = bench.driver(bob, oneBrowser);
    try {
      // 1. alice logs in; her tokens, as the harness sees them (never printed).
      bench.signInWith(aliceDriver);
      await bench.oidcflow(['login']);
      await aliceDriver.settled();
      const aliceTokens = JSON.parse(
        await bench.oidcflow(['token', '-o', 'json', '--include-refresh-token']),
      ) as { access_token: string; refresh_token?: string };
      const before = await userinfoStatus(cell, aliceTokens.access_token);
      check(before === 200, `userinfo refused ${alice.username}'s new access token (HTTP ${before})`);

      // 2. bob in the same browser: the notice comes first, once, and carries no token.
      bench.signInWith(bobDriver);
      let bobLogin = await bench.run(['login', `--account=${bob.username}`]);
      await bobDriver.settled();
      const how = device ? ' by approving the code' : '';
      const notice = `Signing in as "${bob.username}"${how} in the browser where ${alice.username} signed in at the IdP can end ${alice.username}'s session there`;
      const at = bobLogin.output.indexOf(notice);
      check(
        at >= 0,
        `login --account ${bob.username} gave no notice that ${alice.username}'s session may end`,
      );
      check(
        bobLogin.output.indexOf(notice, at + 1) === -1,
        `login --account ${bob.username} gave the notice more than once`,
      );
      if (device) {
        check(
          /private browser window \(or another browser profile\).* and approve the code there/.test(
            bobLogin.output,
          ),
          'the notice does not say to approve the code in a private window',
        );
        const code = bobLogin.output.indexOf('enter the code');
        check(code === -1 || at < code, 'the notice came after the code was shown');
      } else {
        check(
          /private browser window/.test(bobLogin.output) && /--no-browser/.test(bobLogin.output),
          'the notice does not say how to keep both accounts (a private window, --no-browser)',
        );
        const opening = bobLogin.output.indexOf('Opening the browser');
        check(opening === -1 || at < opening, 'the notice came after the browser was opened');
      }
      check(
        [aliceTokens.access_token, aliceTokens.refresh_token].every(
          (token) => !token || !bobLogin.output.includes(token),
        ),
        "a token of alice's reached bob's login output",
      );
      let page = bobDriver.signIns.at(-1);
      let approvedAsAlice = '';
      if (device && page === undefined) {
        // The page approved the code as the browser's user: refused, nothing stored, alice lives.
        check(
          bobLogin.code === EXIT_LOGIN_DENIED &&
            bobLogin.output.includes(`was asked for, and the IdP logged in ${alice.username}`) &&
            bobLogin.output.includes('private browser window'),
          `login --account ${bob.username} by a code approved as ${alice.username} ended with exit ${bobLogin.code}, not ACCOUNT_MISMATCH: ${bobLogin.output.trim().slice(-400)}`,
        );
        const still = await userinfoStatus(cell, aliceTokens.access_token);
        check(
          still === 200,
          `${alice.username}'s access token is refused after the refused approval (HTTP ${still})`,
        );
        const listed = await bench.accounts();
        check(
          listed.length === 1 && listed[0]?.username === alice.username && !listed[0].laterSignIn,
          `after the refused approval the accounts are not alice alone, unmarked: ${JSON.stringify(listed)}`,
        );
        const tools = await bench.toolsUser();
        const aliceSub = listed[0]?.sub;
        check(
          tools.kube === aliceSub && tools.git === aliceSub,
          `after the refused approval kubectl came as ${tools.kube} and git as ${tools.git}, not ${alice.username}`,
        );
        const dead = bench.refusedTokens();
        check(
          dead.length === 0,
          `kubectl or git were handed a token their server refused: ${dead.join('; ')}`,
        );
        approvedAsAlice = `the IdP's page approved ${bob.username}'s first code as ${alice.username} without asking (the browser's session answered, though login_hint and prompt=login were sent): exit 4 ACCOUNT_MISMATCH, nothing stored, ${alice.username} unmarked, her access token still HTTP ${still} at userinfo, the tools still ${alice.username}; signed out at the IdP's page in that browser, ${bob.username} approved a new code there: `;
        // A user who signs out there instead of using a private window: bob's approval now asks him.
        await signOutAtIdp(cell, oneBrowser);
        bobLogin = await bench.run(['login', `--account=${bob.username}`]);
        await bobDriver.settled();
        check(
          bobLogin.output.includes(notice),
          `the second login --account ${bob.username} gave no notice: ${bobLogin.output.trim().slice(-400)}`,
        );
        page = bobDriver.signIns.at(-1);
      }
      check(bobLogin.code === 0, `oidcflow login --account ${bob.username} failed (exit ${bobLogin.code})`);
      check(
        page !== undefined,
        `the IdP asked ${bob.username} nothing: ${alice.username}'s session answered`,
      );
      check(
        device || (page.usernameEditable && page.username === bob.username),
        `${bob.username}'s sign-in page showed "${page.username}"${page.usernameEditable ? '' : ' (no user name field)'}, not the login_hint ${bob.username}`,
      );
      // A page before it that named another user: the IdP re-authenticated alice, and the page
      // script restarted the login (Keycloak's "restart login") as a person has to.
      const first = bobDriver.signIns[0];
      const restartedFrom =
        bobDriver.signIns.length > 1 && first && !first.usernameEditable ? first.username : undefined;
      const listed = await bench.accounts();
      const aliceListed = listed.find((account) => account.username === alice.username);
      const bobSub = listed.find((account) => account.username === bob.username)?.sub;
      check(
        aliceListed?.laterSignIn?.account.username === bob.username,
        `oidcflow accounts does not show that ${bob.username} signed in after ${alice.username}: ${JSON.stringify(listed)}`,
      );
      const after = await userinfoStatus(cell, aliceTokens.access_token);

      // 3. accounts use alice: checked by one refresh, refused; exit 3, the words, nothing switched.
      const use = await bench.run(['accounts', 'use', alice.username]);
      check(
        use.code === EXIT_NOT_LOGGED_IN,
        `accounts use ${alice.username} ended with exit ${use.code}, not ${EXIT_NOT_LOGGED_IN}: ${use.output.trim().slice(-400)}`,
      );
      for (const words of [
        `The IdP session of account ${alice.username} has ended`,
        `most likely because ${bob.username} signed in in the same browser`,
        `oidcflow login --account ${alice.username}`,
        'private browser window',
      ]) {
        check(
          use.output.includes(words),
          `accounts use ${alice.username} did not say "${words}": ${use.output.trim()}`,
        );
      }
      // The IdP indeed refuses what oidcflow removed: her old refresh token and access token.
      const refused = aliceTokens.refresh_token
        ? await refreshError(cell, aliceTokens.refresh_token)
        : 'no refresh token';
      check(
        refused !== undefined,
        `${alice.username}'s old refresh token still refreshes: the error was wrong`,
      );
      const kept = await bench.accounts();
      check(
        kept.find((account) => account.current)?.username === bob.username,
        `after the refused switch ${bob.username} is not current: ${JSON.stringify(kept)}`,
      );
      check(
        kept.find((account) => account.username === alice.username)?.expiresAt === undefined,
        `${alice.username}'s dead tokens are still cached: ${JSON.stringify(kept)}`,
      );

      // 4. The tools keep coming as bob, and no dead token reaches them.
      const tools = await bench.toolsUser();
      check(
        tools.kube === bobSub && tools.git === bobSub,
        `after the refused switch kubectl came as ${tools.kube} and git as ${tools.git}, not ${bob.username}`,
      );

      // 5. alice logs in again in a browser of her own (a private window): current, the tools are alice.
      const ownDriver = bench.driver(alice, await cell.browserSession());
      bench.signInWith(ownDriver);
      await bench.oidcflow(['login', `--account=${alice.username}`]);
      await ownDriver.settled();
      const back = await bench.accounts();
      const aliceSub = back.find((account) => account.username === alice.username)?.sub;
      check(
        back.find((account) => account.current)?.username === alice.username,
        `login --account ${alice.username} did not make her current: ${JSON.stringify(back)}`,
      );
      const aliceTools = await bench.toolsUser();
      check(
        aliceTools.kube === aliceSub && aliceTools.git === aliceSub,
        `after ${alice.username}'s new login kubectl came as ${aliceTools.kube} and git as ${aliceTools.git}`,
      );

      // 6. bob's session was in the other browser: his check refreshes, and the tools are bob.
      const useBob = await bench.run(['accounts', 'use', bob.username]);
      check(
        useBob.code === 0,
        `accounts use ${bob.username} after ${alice.username}'s login in her own browser failed (exit ${useBob.code}): ${useBob.output.trim().slice(-400)}`,
      );
      const bobTools = await bench.toolsUser();
      check(
        bobTools.kube === bobSub && bobTools.git === bobSub,
        `after accounts use ${bob.username} kubectl came as ${bobTools.kube} and git as ${bobTools.git}`,
      );
      const dead = bench.refusedTokens();
      check(dead.length === 0, `kubectl or git were handed a token their server refused: ${dead.join('; ')}`);

      const asked = restartedFrom
        ? `the IdP first asked the password of "${restartedFrom}" (its session's user, login_hint ignored); after "restart login" ${bob.username} signed in on a pre-filled page`
        : `${bob.username} signed in on a ${page.usernameEditable && page.username === bob.username ? 'pre-filled page' : `page that showed "${page.username}"`}`;
      return `notice before ${bob.username}'s ${device ? 'code' : 'login'}; ${approvedAsAlice}${asked}; ${alice.username}'s access token at userinfo then HTTP ${after} (200 before), her refresh token refused (${refused}); accounts use ${alice.username}: exit 3, "session has ended", tokens removed, ${bob.username} kept; kubectl and git came as ${bob.username}; ${alice.username} back from a browser of her own; accounts use ${bob.username} passed its check; no dead token reached the tools`;
    } finally {
      await bench.stop();
    }
  },
};
