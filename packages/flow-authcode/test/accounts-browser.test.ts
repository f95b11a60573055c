// Two users in one real browser (Chromium through the project's browser discovery) against
// the embedded IdP, with the auth_code flow as a user meets it: login_hint pre-fills the IdP's
// login page, a second account gets prompt=login although the browser has the first one's
// session, max_age=0 makes the IdP ask again (a newer auth_time) where its session would
// otherwise answer at once.
import { createMemoryCache, OidcAuth, type OidcAuthOptions } from '@oidcflow/core';
import { startTestIdp, type TestIdp, type TestUser } from '@oidcflow/test-idp';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedContext, launchChromium } from './browser-driver.js';
import { loginOptions } from './helpers.js';

let idp: TestIdp;
let browser: Browser;
let context: BrowserContext;
beforeAll(async () => {
  [idp, browser] = await Promise.all([startTestIdp(), launchChromium()]);
  // One profile for every login: the IdP's session cookie stays, as in a user's browser.
  context = await isolatedContext(browser);
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await idp?.stop();
});

/** What one visit of the IdP showed: whether it asked to sign in, and what its login field held. */
interface Visit {
  askedToSignIn: boolean;
  prefilled?: string;
}

/** An `openUrl` that signs `user` in where the IdP asks (and consents), recording what it saw. */
function person(user: TestUser, visits: Visit[]) {
  return async (url: string): Promise<boolean> => {
    const page = await context.newPage();
    const visit: Visit = { askedToSignIn: false };
    visits.push(visit);
    await page.goto(url);
    const idpOrigin = new URL(idp.issuer).origin;
    for (let step = 0; step < 10 && new URL(page.url()).origin === idpOrigin; step++) {
      const login = page.locator('input[name=login]');
      if ((await login.count()) > 0) {
        visit.askedToSignIn = true;
        visit.prefilled = await login.inputValue();
        await login.fill(user.login);
        await page.locator('input[name=password]').fill(user.password);
        await page.getByRole('button', { name: 'Sign-in' }).click();
      } else if ((await page.getByRole('button', { name: 'Continue' }).count()) > 0) {
        await page.getByRole('button', { name: 'Continue' }).click();
      }
      await page.waitForLoadState('domcontentloaded');
      await page.waitForTimeout(100);
    }
    await page.close();
    return true;
  };
}

const cache = createMemoryCache();
const options = (user: TestUser, visits: Visit[], extra: Partial<OidcAuthOptions> = {}) =>
  loginOptions(idp, {
    scopes: ['openid', 'profile', 'email'],
    plugins: [(loginOptions(idp).plugins ?? [])[0]!, cache],
    ...extra,
    ports: { openUrl: person(user, visits) },
  });

describe('accounts and the login request in a real browser', () => {
  it("alice, then bob by --account: bob's page is pre-filled and asked for although alice has a session; max_age=0 asks again", async () => {
    const visits: Visit[] = [];
    const alice = await new OidcAuth(options(idp.users.alice, visits)).login();
    expect(alice.idTokenClaims?.sub).toBe('alice');
    expect(visits[0]).toEqual({ askedToSignIn: true, prefilled: '' });

    // The browser's session is alice's; the account asked for is bob: login_hint and prompt=login.
    const bob = await new OidcAuth(options(idp.users.bob, visits, { account: 'bob' })).login();
    expect(bob.idTokenClaims?.sub).toBe('bob');
    expect(visits[1]).toEqual({ askedToSignIn: true, prefilled: 'bob' });
    const accounts = await new OidcAuth(options(idp.users.bob, visits)).accounts();
    expect(accounts.map((account) => [account.sub, account.current])).toEqual([
      ['bob', true],
      ['alice', false],
    ]);

    // The session (bob's now) answers a login without asking (getTokens with nothing cached:
    // login() forces prompt=login); max_age=0 makes the IdP ask.
    const elsewhere = (extra: Partial<OidcAuthOptions> = {}) => {
      const base = options(idp.users.bob, visits, extra);
      return new OidcAuth({ ...base, plugins: [(base.plugins ?? [])[0]!, createMemoryCache()] });
    };
    const again = await elsewhere().getTokens();
    expect(visits[2]?.askedToSignIn).toBe(false);
    expect(again.idTokenClaims?.sub).toBe('bob');
    // The session is over a second old: a fresh authentication has a later auth_time than this.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const asked = Math.floor(Date.now() / 1000);
    const fresh = await elsewhere({ maxAge: 0 }).getTokens();
    expect(visits[3]?.askedToSignIn).toBe(true);
    expect(fresh.idTokenClaims?.auth_time as number).toBeGreaterThanOrEqual(asked);
  });
});
