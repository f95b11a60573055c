import { findTestBrowser } from '@oidcflow/test-browser';
import type { Browser, BrowserContext, Page, Route } from 'playwright-core';
import {
  type BrowserProvider,
  type BrowserSession,
  type SessionOptions,
  unavailableBrowser,
} from './browser-provider.js';

function isAllowed(url: string, hosts: readonly string[]): boolean {
  try {
    const { protocol, hostname } = new URL(url);
    if (protocol === 'data:' || protocol === 'about:') return true;
    return hosts.includes(hostname.replace(/^\[|\]$/g, ''));
  } catch {
    return false;
  }
}

/**
 * Resolves when every page has loaded what its last main-frame navigation asked for (or after
 * `timeoutMs`). Chromium can ignore a close that arrives while a navigation commits — the flow
 * ends as soon as the callback is served, often before the result page loaded — and the
 * context then never closes.
 */
function trackNavigations(context: BrowserContext, timeoutMs: number): () => Promise<unknown> {
  const loads = new Map<Page, Promise<unknown>>();
  context.on('page', (page) => {
    page.on('request', (request) => {
      if (request.isNavigationRequest() && request.frame() === page.mainFrame()) {
        loads.set(
          page,
          page.waitForEvent('load', { timeout: timeoutMs }).catch(() => undefined),
        );
      }
    });
  });
  return () => Promise.all(loads.values());
}

function session(context: BrowserContext): BrowserSession {
  const navigationsSettled = trackNavigations(context, 3_000);
  return {
    newPage: () => context.newPage(),
    async close() {
      await navigationsSettled();
      await context.close();
    },
  };
}

/**
 * Launches the test browser once for the whole run (OIDCFLOW_CHROMIUM, a system
 * Chrome/Chromium/Edge, else the npm package's Chromium; OIDCFLOW_BROWSER forces one); each
 * scenario gets its own context (cookies, storage). Resolves to an unavailable provider, with
 * the reason and how to get a browser, when none can start.
 */
export async function launchChromium(env: NodeJS.ProcessEnv = process.env): Promise<BrowserProvider> {
  const found = await findTestBrowser({ env });
  if (!found.found) return unavailableBrowser(found.reason);
  let browser: Browser;
  try {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ ...found.launchOptions, timeout: 30_000 });
  } catch (error) {
    return unavailableBrowser(
      `the ${found.description} did not start: ${String((error as Error).message).split('\n')[0]}`,
    );
  }
  const description = `Chromium ${browser.version()}, ${found.description}`;
  return {
    description,
    async newSession(options: SessionOptions = {}) {
      // The browser is not under test: a target served with the harness's own CA may be loaded
      // without trusting that CA in Chromium (oidcflow's HTTP client still must trust it).
      const context = await browser.newContext({ ignoreHTTPSErrors: options.ignoreHttpsErrors ?? false });
      context.setDefaultTimeout(20_000);
      const hosts = options.allowedHosts;
      if (hosts) {
        // A local IdP's pages must not reach the internet (oidc-provider's default pages import a web font).
        await context.route('**/*', (route: Route) =>
          isAllowed(route.request().url(), hosts) ? route.continue() : route.abort('blockedbyclient'),
        );
      }
      return session(context);
    },
    close: () => browser.close(),
  };
}
