import { pause } from '../support/time.js';
import {
  epochSeconds,
  type LoginSeen,
  loginThrough,
  ownBrowserFlowOnly,
  signInPagesUnread,
} from './login-request.js';
import { check, type Scenario } from './scenario.js';

/** `auth_time` is in whole seconds: a new sign-in is told apart from the last one a second later. */
const AUTH_TIME_STEP_MS = 1_100;

/** Longer than the scenario: the IdP's session meets it, so it asks nothing by itself. */
const SESSION_MAX_AGE_SECONDS = 3_600;

function requireAuthTime(login: LoginSeen, which: string): number {
  const value = authTime(login);
  check(value !== undefined, `the ID token of ${which} has no auth_time although max_age was sent`);
  return value;
}

function authTime(login: LoginSeen): number | undefined {
  const value = login.claims.auth_time;
  return typeof value === 'number' ? value : undefined;
}

/**
 * In one browser, the IdP's session answers a second login without asking (with the first
 * login's `auth_time`, where the IdP sends it unasked); `maxAge: 0` (`--max-age 0`) and
 * `prompt: 'login'` (`--prompt login`) make it ask for the password again, which the page script
 * sees as a new sign-in page, and their ID tokens carry the `auth_time` of that new sign-in
 * (later than the first login's).
 */
export const reauthentication: Scenario = {
  name: 're-authentication',
  summary:
    "with the IdP's session a second login asks nothing; max_age=0 and prompt=login ask for the password again, max_age=0 with a later auth_time",
  flowKinds: ['browser'],
  notApplicable: (target, subject) =>
    target.capabilities.reauthenticationUnavailable ??
    signInPagesUnread(target) ??
    ownBrowserFlowOnly(subject),
  async run(cell) {
    // One driver, one browser profile: the IdP's session cookie stays between the logins.
    const driver = await cell.loginDriver();
    const signIns = () => driver.signIns.length;
    // A max_age the session meets makes every IdP put auth_time into the ID token (OIDC Core
    // 3.1.2.1) without asking again, so each login's authentication can be compared.
    const withAuthTime = { maxAge: SESSION_MAX_AGE_SECONDS };
    const first = await loginThrough(cell, driver, withAuthTime);
    check(signIns() === 1, `the first login showed ${signIns()} sign-in pages, expected 1`);
    const firstAuthTime = requireAuthTime(first, 'the first login');

    const silent = await loginThrough(cell, driver);
    check(driver.opened.length === 2, 'the second login opened no page');
    check(
      signIns() === 1,
      'the second login asked for credentials although the IdP has a session (no max_age, no prompt)',
    );
    check(silent.claims.sub === first.claims.sub, 'the session answered with another user');
    const silentAuthTime = authTime(silent);
    if (silentAuthTime !== undefined)
      check(
        silentAuthTime === firstAuthTime,
        `the second login's auth_time ${silentAuthTime} is not the first's ${firstAuthTime}, though nobody signed in`,
      );

    await pause(AUTH_TIME_STEP_MS);
    const maxAgeAsked = epochSeconds();
    const maxAged = await loginThrough(cell, driver, { maxAge: 0 });
    check(signIns() === 2, 'max_age=0 did not make the IdP ask for credentials again');
    const newAuthTime = requireAuthTime(maxAged, 'the max_age=0 login');
    check(
      newAuthTime >= maxAgeAsked && newAuthTime > firstAuthTime,
      `the max_age=0 login's auth_time ${newAuthTime} is not a new sign-in's (the login began at ${maxAgeAsked}, the first signed in at ${firstAuthTime})`,
    );

    await pause(AUTH_TIME_STEP_MS);
    const promptAsked = epochSeconds();
    const prompted = await loginThrough(cell, driver, { ...withAuthTime, prompt: 'login' });
    check(signIns() === 3, 'prompt=login did not make the IdP ask for credentials again');
    const promptedAuthTime = requireAuthTime(prompted, 'the prompt=login login');
    check(
      promptedAuthTime >= promptAsked,
      `the prompt=login login's auth_time ${promptedAuthTime} is before the login began (${promptAsked})`,
    );
    check(prompted.claims.sub === first.claims.sub, 'prompt=login signed in another user');

    const reauthPage = driver.signIns[1];
    const how = reauthPage?.usernameEditable
      ? 'with the user name field'
      : `for the password of "${reauthPage?.username}" only`;
    return `4 logins in one browser: the 1st signed in (auth_time ${firstAuthTime}), the 2nd was answered by the session (no sign-in page${silentAuthTime === undefined ? '' : `, the same auth_time`}), max_age=0 and prompt=login asked again (${how}) with auth_time ${newAuthTime} and ${promptedAuthTime}`;
  },
};
