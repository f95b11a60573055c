import type { OidcAuthOptions, TokenSet } from '@oidcflow/core';
import type { CellHarness } from '../matrix/cell-harness.js';
import { runsThirdPartyFlow, type Subject } from '../matrix/subject.js';
import type { BrowserLoginDriver } from '../support/browser-login.js';
import { jwtClaims } from '../support/jwt.js';
import type { RunningTarget } from '../targets/target.js';
import { check } from './scenario.js';

/**
 * What the scenarios of the login request (login hint, re-authentication) share: they read
 * the IdP's sign-in pages through the page script, and log in again and again in one browser.
 */

/** Why the target's page script cannot say what its sign-in pages held, when it cannot. */
export function signInPagesUnread(target: RunningTarget): string | undefined {
  return target.pages.reportsSignInPages
    ? undefined
    : `the ${target.pages.name} page script does not report the sign-in pages it answers`;
}

/** Why a scenario that decides the login request itself does not run a third party's flow. */
export function ownBrowserFlowOnly(subject: Subject): string | undefined {
  return runsThirdPartyFlow(subject)
    ? "a third-party flow decides the prompt it sends; the IdP is checked with oidcflow's own auth_code flow"
    : undefined;
}

/** The ID token's claims of one login, and whom it names. */
export interface LoginSeen {
  tokens: TokenSet;
  claims: Record<string, unknown>;
  /** `preferred_username`, else `sub`: what the IdP calls the user who signed in. */
  username: string;
}

/**
 * Logs in through `driver` with `overrides` and nothing cached (the cell's entry is deleted
 * first, so the IdP is asked every time; no `forceLogin`, which adds prompt=login), and waits
 * for the page script.
 */
export async function loginThrough(
  cell: CellHarness,
  driver: BrowserLoginDriver,
  overrides: Partial<OidcAuthOptions> = {},
): Promise<LoginSeen> {
  await cell.cache.delete(cell.cacheKey());
  const tokens = await cell
    .auth({ ...overrides, ports: { openUrl: (url) => driver.openUrl(url) } })
    .getTokens();
  await driver.settled();
  const claims = tokens.idToken ? jwtClaims(tokens.idToken) : undefined;
  check(claims !== undefined, 'the login returned no ID token to read the user and auth_time from');
  const username = typeof claims.preferred_username === 'string' ? claims.preferred_username : claims.sub;
  return { tokens, claims, username: String(username) };
}

/** Now, in the seconds of `auth_time`. */
export function epochSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
