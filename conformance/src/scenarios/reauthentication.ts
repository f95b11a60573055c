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

function authTime(login: LoginSeen): number | undefined {
  const value = login.claims.auth_time;
  return typeof value === 'number' ? value : undefined;
}

/**
 * In one browser, the IdP's session answers a second login without asking; `maxAge: 0`
 * (`--max-age 0`) and `prompt: 'login'` (`--prompt login`) make it ask for the password again,
 * which the page script sees as a new sign-in page, and `max_age`'s ID token carries the
 * `auth_time` of that new sign-in (later than the first login's).
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
    const first = await loginThrough(cell, driver);
    check(signIns() === 1, `the first login showed ${signIns()} sign-in pages, expected 1`);

    const silent = await loginThrough(cell, driver);
    check(driver.opened.length === 2, 'the second login opened no page');
    check(
      signIns() === 1,
      'the second login asked for credentials although the IdP has a session (no max_age, no prompt)',
    );
    check(silent.claims.sub === first.claims.sub, 'the session answered with another user');

    await pause(AUTH_TIME_STEP_MS);
    const maxAgeAsked = epochSeconds();
    const maxAged = await loginThrough(cell, driver, { maxAge: 0 });
    check(signIns() === 2, 'max_age=0 did not make the IdP ask for credentials again');
    const newAuthTime = authTime(maxAged);
    check(newAuthTime !== undefined, 'the ID token of the max_age=0 login has no auth_time');
    check(
      newAuthTime >= maxAgeAsked,
      `the max_age=0 login's auth_time ${newAuthTime} is before the login began (${maxAgeAsked})`,
    );
    const firstAuthTime = authTime(first);
    if (firstAuthTime !== undefined)
      check(
        newAuthTime > firstAuthTime,
        `the max_age=0 login's auth_time ${newAuthTime} is not later than the first login's ${firstAuthTime}`,
      );

    await pause(AUTH_TIME_STEP_MS);
    const promptAsked = epochSeconds();
    const prompted = await loginThrough(cell, driver, { prompt: 'login' });
    check(signIns() === 3, 'prompt=login did not make the IdP ask for credentials again');
    const promptedAuthTime = authTime(prompted);
    if (promptedAuthTime !== undefined)
      check(
        promptedAuthTime >= promptAsked,
        `the prompt=login login's auth_time ${promptedAuthTime} is before the login began (${promptAsked})`,
      );
    check(prompted.claims.sub === first.claims.sub, 'prompt=login signed in another user');

    const reauthPage = driver.signIns[1];
    const how = reauthPage?.usernameEditable
      ? 'with the user name field'
      : `for the password of "${reauthPage?.username}" only`;
    return `4 logins in one browser: 1st signed in, 2nd answered by the session (no page asked), max_age=0 and prompt=login asked again (${how}); max_age=0's auth_time ${newAuthTime} ${firstAuthTime === undefined ? `≥ its start ${maxAgeAsked} (the first ID token has no auth_time)` : `> the first's ${firstAuthTime}`}${promptedAuthTime === undefined ? '; prompt=login gave no auth_time' : `; prompt=login's auth_time ${promptedAuthTime}`}`;
  },
};
