import { terminalText } from '@oidcflow/core';
import type { Page } from 'playwright-core';
import { blankSecretsInPage, visibleTextInPage } from './in-page.js';

/** What an IdP's page showed when a page script gave up: for the cell's detail and the HTML report. */
export interface PageEvidence {
  /** The page's origin and path (no query: it can carry session handles). */
  url: string;
  /** The page's visible error text (alerts, error boxes), else the start of its visible text. */
  visibleText: string;
  /** A PNG of the viewport; secrets typed into the page are blanked first. */
  screenshot?: Uint8Array;
}

/** A page script could not finish; carries what the page showed. */
export class PageScriptFailure extends Error {
  override readonly name = 'PageScriptFailure';
  readonly evidence: PageEvidence;

  constructor(message: string, evidence: PageEvidence, options?: ErrorOptions) {
    super(message, options);
    this.evidence = evidence;
  }

  static evidenceOf(error: unknown): PageEvidence | undefined {
    for (let current = error, depth = 0; current && depth < 4; depth += 1) {
      if (current instanceof PageScriptFailure) return current.evidence;
      current = (current as { cause?: unknown }).cause;
    }
    return undefined;
  }
}

const MAX_TEXT = 400;

// Where pages put a sign-in or consent error: ARIA alerts first, then the usual class names.
const ERROR_SELECTORS = [
  '[role=alert]',
  '[aria-live=assertive]',
  '.alert-error',
  '.alert-danger',
  '.error-message',
  '.invalid-feedback',
  '.kc-feedback-text',
  '.error',
  '.alert',
  '[id*=error i]',
  '[class*=error i]',
  '[class*=warning i]',
];

/**
 * A page's address as a report may show it: origin and path, no query or fragment (an IdP's
 * page may carry a login session's code or state there).
 */
export function pageUrlForReport(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:'
      ? `${parsed.origin}${parsed.pathname}`
      : url;
  } catch {
    return url;
  }
}

function hideSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) if (secret.length >= 3) result = result.split(secret).join('[secret]');
  return result;
}

/**
 * The page's visible error text, else the start of what it shows; bounded, and, as all text from
 * outside, through `terminalText` (one line, control characters spelled out).
 */
export async function visiblePageText(page: Page, secrets: readonly string[] = []): Promise<string> {
  const text = await page
    .evaluate(visibleTextInPage, ERROR_SELECTORS)
    .catch((error: unknown) => `could not be read (${String((error as Error).message).split('\n')[0]})`);
  const clean = hideSecrets(text, secrets);
  return terminalText(clean.length > MAX_TEXT ? `${clean.slice(0, MAX_TEXT)}…` : clean);
}

/**
 * What the page shows now: URL, visible error text, a screenshot. Inputs holding one of
 * `secrets` (the password, possibly in an input without `type=password`) are emptied first.
 */
export async function capturePageEvidence(
  page: Page,
  secrets: readonly string[] = [],
): Promise<PageEvidence> {
  const url = pageUrlForReport(page.url());
  const visibleText = await visiblePageText(page, secrets);
  await page.evaluate(blankSecretsInPage, [...secrets]).catch(() => {});
  const screenshot = await page
    .screenshot({ type: 'png', timeout: 5_000 })
    .then((buffer) => new Uint8Array(buffer))
    .catch(() => undefined);
  return { url, visibleText, ...(screenshot ? { screenshot } : {}) };
}
