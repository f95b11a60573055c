import type { Page } from 'playwright-core';
import type { TestUser } from '../targets/test-user.js';

/** Approve or refuse on the consent page. */
export type ConsentAnswer = 'approve' | 'deny';

/**
 * What the scenarios need a target's pages to do: each target has one (oidcProviderPages and
 * the generic script in this folder; keycloakPages, springPages, hydraPageScript in their
 * target packages, most built with formPageScript).
 */
export interface PageScript {
  name: string;
  /** The page shows an authorization URL: sign in, then approve or refuse consent. */
  completeLogin(page: Page, input: { user: TestUser; consent: ConsentAnswer }): Promise<void>;
  /** The page shows a device verification URL: enter the code if asked, sign in, approve or refuse. */
  completeDeviceVerification(
    page: Page,
    input: { user: TestUser; userCode?: string; consent: ConsentAnswer },
  ): Promise<void>;
}
