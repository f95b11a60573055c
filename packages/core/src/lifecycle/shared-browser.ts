import { accountLabel } from '../cache/account-ref.js';
import { ErrorCode } from '../errors/codes.js';
import { OidcflowError } from '../errors/oidcflow-error.js';
import { terminalText } from '../errors/terminal-text.js';
import type { AccountRef, LaterSignIn } from '../spec/cache.js';

/**
 * The words for several accounts in one browser. An IdP keeps one session per browser:
 * oidc-provider and Keycloak end the first user's session when a second one signs in there
 * (by the browser flow, or by approving a device code there), and with it the first user's
 * access and refresh tokens (conformance scenario `two users, one browser`). A private window
 * (or another browser profile) has a session of its own.
 */

const label = (account: AccountRef) => terminalText(accountLabel(account));
const quoted = (name: string) => `"${terminalText(name)}"`;

/** How the sign-in the notice is about happens. */
export interface SignInWay {
  /** The flow opens the browser here (auth_code); false: a code approved at the IdP (device). */
  inBrowser: boolean;
  /** The `openBrowser` setting: false prints the URL instead of opening it. */
  openBrowser: boolean;
}

/** How to sign in elsewhere than the browser that holds the other accounts' IdP session. */
function privateWindowAdvice(way: SignInWay, keep: string): string {
  if (!way.inBrowser) {
    const page = way.openBrowser
      ? 'the verification URL in a private browser window (or another browser profile), not in a browser this login opens,'
      : 'the verification URL below in a private browser window (or another browser profile)';
    return `To keep ${keep}, open ${page} and approve the code there`;
  }
  return way.openBrowser
    ? `To keep ${keep}, stop this login (Ctrl-C), run it again with --no-browser (library: openBrowser: false) and open the URL it prints in a private browser window`
    : `To keep ${keep}, open the URL below in a private browser window`;
}

/**
 * The notice before a user's sign-in while other accounts are cached for the same settings:
 * who may lose their IdP session, what that does, and how to avoid it. A device code approved
 * in the browser of another account's session ends it alike. Names no token.
 */
export function sharedBrowserNotice(
  signingIn: string | undefined,
  others: readonly AccountRef[],
  way: SignInWay,
): string {
  const who = signingIn === undefined ? 'Signing in' : `Signing in as ${quoted(signingIn)}`;
  const how = way.inBrowser ? '' : ' by approving the code';
  const names = others.map(label).join(', ');
  const one = others.length === 1;
  const ended = one ? `${names}'s session` : `the sessions of ${names}`;
  const theirs = one ? "that account's" : "those accounts'";
  // oidc-provider approves a device code as the browser's user without asking (it drops
  // prompt and max_age there): signing out to approve it as another ends that session too.
  const why = way.inBrowser
    ? 'IdPs such as Keycloak keep one user per browser session'
    : 'IdPs keep one user per browser session: the page may approve the code as that user, and signing out there to approve it as another ends that session';
  return `${who}${how} in the browser where ${names} signed in at the IdP can end ${ended} there (${why}): ${theirs} tokens then stop working, and oidcflow checks them with a refresh before it uses them again. ${privateWindowAdvice(way, one ? 'both' : 'all of them')}. Where the IdP's page names another user (Keycloak asks that user's password), choose its "Restart login" or switch-user link.`;
}

/** The command that logs `account` in again, with the advice that keeps the other one. */
function loginAgain(account: AccountRef, other: string): string {
  return `Log ${label(account)} in again: oidcflow login --account ${label(account)} (library: login() with the account option); to keep ${other} signed in too, run it with --no-browser and open the printed URL in a private browser window.`;
}

/**
 * The IdP refused the refresh of an account another user signed in after (or it had no refresh
 * token to check with): its tokens were removed. NOT_LOGGED_IN, as for any account whose
 * tokens are gone: a login is what it needs.
 */
export function sessionEnded(
  account: AccountRef,
  mark: LaterSignIn | undefined,
  refreshable: boolean,
): OidcflowError {
  const other = mark ? label(mark.account) : 'another user';
  const after = mark
    ? ` (after ${other} signed in with the same settings at ${new Date(mark.at).toISOString()})`
    : '';
  const what = refreshable
    ? `The IdP session of account ${label(account)} has ended: the IdP refused its refresh token, most likely because ${other} signed in in the same browser${after}.`
    : `Account ${label(account)} has no refresh token to check whether its IdP session survived the sign-in of ${other} in the same browser${after}.`;
  return new OidcflowError(
    ErrorCode.NOT_LOGGED_IN,
    `${what} Its tokens were removed, not handed out. ${loginAgain(account, other)}`,
  );
}
