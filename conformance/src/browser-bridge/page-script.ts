import type { Page } from 'playwright-core';
import type { TestUser } from '../targets/test-user.js';

/** Approve or refuse on the consent page. */
export type ConsentAnswer = 'approve' | 'deny';

/** A sign-in page as the page script found it, before it typed anything. */
export interface SignInPage {
  /**
   * The user name the page showed: the user name field's value (what `login_hint` pre-fills;
   * '' when empty), or — on a page that asks only the password of a user it names (Keycloak's
   * re-authentication) — that name.
   */
  username: string;
  /** The page had a user name field to type into (false: it asked only for the password). */
  usernameEditable: boolean;
}

/** What a page script call is given. */
export interface LoginPageInput {
  user: TestUser;
  consent: ConsentAnswer;
  /**
   * Called for every sign-in page the script answers, before it types (scripts with
   * `reportsSignInPages` call it): the scenarios of the login request read the pages with it.
   */
  onSignIn?: (page: SignInPage) => void;
}

/**
 * What the scenarios need a target's pages to do: each target has one (oidcProviderPages and
 * the generic script in this folder; keycloakPages, springPages, hydraPageScript in their
 * target packages, most built with formPageScript).
 */
export interface PageScript {
  name: string;
  /**
   * The script calls `onSignIn` for every sign-in page it answers. A script without it cannot
   * show what a sign-in page held, so the scenarios that read the pages are not applicable.
   */
  reportsSignInPages?: boolean;
  /** The page shows an authorization URL: sign in, then approve or refuse consent. */
  completeLogin(page: Page, input: LoginPageInput): Promise<void>;
  /** The page shows a device verification URL: enter the code if asked, sign in, approve or refuse. */
  completeDeviceVerification(page: Page, input: LoginPageInput & { userCode?: string }): Promise<void>;
}
