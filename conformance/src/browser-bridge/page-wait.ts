import type { Page } from 'playwright-core';

/**
 * Waits until the browser shows one of the IdP's known pages (`known`), or has left the IdP
 * (`left`: e.g. the loopback callback). When neither happens within the time, an IdP page
 * nobody knows is `other`. The caller then tells which known page it is.
 */
export async function leftOrKnownPage(
  page: Page,
  isIdpOrigin: (origin: string) => boolean,
  anyKnownPage: string,
  timeoutMs: number,
): Promise<'left' | 'known' | 'other'> {
  const left = page
    .waitForURL((url) => !isIdpOrigin(url.origin), { timeout: timeoutMs, waitUntil: 'commit' })
    .then(() => 'left' as const);
  const known = page
    .locator(anyKnownPage)
    .first()
    .waitFor({ state: 'visible', timeout: timeoutMs })
    .then(() => 'known' as const);
  left.catch(() => {});
  known.catch(() => {});
  try {
    return await Promise.race([left, known]);
  } catch {
    return isIdpOrigin(new URL(page.url()).origin) ? 'other' : 'left';
  }
}
