import { loginThrough, signInPagesUnread } from './login-request.js';
import { check, type Scenario } from './scenario.js';

/**
 * `loginHint` (`--login-hint`) pre-fills the IdP's sign-in page: the page script reads the
 * user name field in the browser before it types. A login without the hint, in a browser of
 * its own, finds the field empty, so the value read is the hint's and not the page's default.
 */
export const loginHint: Scenario = {
  name: 'login hint',
  summary:
    "login_hint pre-fills the user name on the IdP's sign-in page (read in the browser before typing); without it the field is empty",
  flowKinds: ['browser'],
  notApplicable: (target) => target.capabilities.loginHintUnavailable ?? signInPagesUnread(target),
  async run(cell) {
    // The second user where there is one: a name the page cannot have from anywhere else.
    const user = cell.target.otherUser ?? cell.target.user;
    const hinted = await cell.loginDriver('approve', { user });
    const login = await loginThrough(cell, hinted, { loginHint: user.username });
    const page = hinted.signIns[0];
    check(
      hinted.signIns.length === 1 && page !== undefined,
      `the login with login_hint=${user.username} showed ${hinted.signIns.length} sign-in pages, expected 1`,
    );
    check(page.usernameEditable, 'the sign-in page had no user name field to read');
    check(
      page.username === user.username,
      `the sign-in page's user name field held "${page.username}" before typing, not the login_hint "${user.username}"`,
    );
    check(login.username === user.username, `the ID token names ${login.username}, not ${user.username}`);

    const plain = await cell.loginDriver('approve', { user });
    await loginThrough(cell, plain);
    const unhinted = plain.signIns[0];
    check(unhinted !== undefined, 'the login without login_hint showed no sign-in page in a new browser');
    check(
      unhinted.username === '',
      `without login_hint the user name field already held "${unhinted.username}", so the pre-fill proves nothing`,
    );
    return `login_hint=${user.username}: the sign-in page's user name field held "${page.username}" before the script typed, and the ID token is ${user.username}'s; without the hint the field was empty`;
  },
};
