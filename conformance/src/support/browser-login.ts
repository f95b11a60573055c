import type { Page } from 'playwright-core';
import type { BrowserSession } from '../browser-bridge/browser-provider.js';
import { capturePageEvidence, PageScriptFailure } from '../browser-bridge/page-evidence.js';
import type { ConsentAnswer, PageScript, SignInPage } from '../browser-bridge/page-script.js';
import type { FlowKind } from '../matrix/subject.js';
import type { TestUser } from '../targets/test-user.js';

export interface BrowserLoginOptions {
  session: BrowserSession;
  pages: PageScript;
  user: TestUser;
  flowKind: FlowKind;
  consent: ConsentAnswer;
  /** Called with the URL before the page script runs (a scenario can forge a callback first). */
  beforeLogin?: (url: string) => Promise<void>;
  /** What the flow printed so far: the user code, when the flow opened a URL without it. */
  promptText?: () => string;
  /**
   * A page script failed: the login cannot complete, so the scenario should stop now. The error
   * is a PageScriptFailure carrying what the page showed (URL, visible text, screenshot).
   */
  onFailure: (error: Error) => void;
}

/** The `openUrl` port that hands each URL to a Playwright page and the target's page script. */
export interface BrowserLoginDriver {
  openUrl(url: string): Promise<boolean>;
  /** Every URL the flow asked to open, in order. */
  readonly opened: readonly string[];
  /**
   * Every sign-in page the page scripts answered, in order, as found before typing (only
   * from scripts with `reportsSignInPages`): the IdP asked for credentials this many times.
   */
  readonly signIns: readonly SignInPage[];
  /** Waits for the page scripts started so far; rejects with the first failure. */
  settled(): Promise<void>;
}

/** The browser is at the authorization request's `redirect_uri` already (the client's callback). */
function atRedirect(page: Page, authorizationUrl: string): boolean {
  const redirect = new URL(authorizationUrl).searchParams.get('redirect_uri');
  if (!redirect) return false;
  const [at, expected] = [new URL(page.url()), new URL(redirect)];
  return at.origin === expected.origin && at.pathname === expected.pathname;
}

/** How often one login page is tried when Chromium reports that the network changed. */
const NETWORK_CHANGE_ATTEMPTS = 3;

export function browserLoginDriver(options: BrowserLoginOptions): BrowserLoginDriver {
  const opened: string[] = [];
  const signIns: SignInPage[] = [];
  const onSignIn = (signIn: SignInPage) => {
    signIns.push(signIn);
  };
  const tasks: Promise<void>[] = [];
  const complete = async (url: string, page: Page) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await completeOnce(url, page);
      } catch (error) {
        // Chromium aborts a navigation when the machine's interfaces change (a container
        // engine adding a veth for another target): that page is tried again from the start.
        if (attempt >= NETWORK_CHANGE_ATTEMPTS || !/ERR_NETWORK_CHANGED/.test(String(error))) throw error;
      }
    }
  };
  const completeOnce = async (url: string, page: Page) => {
    if (options.beforeLogin) await options.beforeLogin(url);
    await page.goto(url);
    if (options.flowKind === 'browser' && options.consent === 'approve' && atRedirect(page, url)) {
      // The IdP answered at once (its session, a remembered consent): no page to answer.
      return;
    }
    if (options.flowKind === 'device') {
      const userCode =
        new URL(url).searchParams.get('user_code') ??
        /\b([A-Z0-9]{4}-[A-Z0-9]{4})\b/.exec(options.promptText?.() ?? '')?.[1] ??
        undefined;
      await options.pages.completeDeviceVerification(page, {
        user: options.user,
        consent: options.consent,
        onSignIn,
        ...(userCode ? { userCode } : {}),
      });
    } else {
      await options.pages.completeLogin(page, { user: options.user, consent: options.consent, onSignIn });
    }
  };
  /** Any script's failure, with what its page showed (a script of our own has captured it already). */
  const failure = async (error: unknown, page: Page | undefined): Promise<PageScriptFailure> => {
    const cause = error instanceof Error ? error : new Error(String(error));
    const message = `the ${options.pages.name} page script failed: ${cause.message.split('\n')[0]}`;
    const evidence =
      PageScriptFailure.evidenceOf(cause) ??
      (page && !page.isClosed()
        ? await capturePageEvidence(page, [options.user.password])
        : { url: 'no page', visibleText: 'no page was open' });
    return new PageScriptFailure(message, evidence, { cause });
  };
  return {
    opened,
    signIns,
    async openUrl(url) {
      opened.push(url);
      // The flow waits for the redirect (or polls) while the page script runs, so do not block it.
      const task = (async () => {
        let page: Page | undefined;
        try {
          page = await options.session.newPage();
          await complete(url, page);
        } catch (error) {
          const failed = await failure(error, page);
          options.onFailure(failed);
          throw failed;
        }
      })();
      task.catch(() => {});
      tasks.push(task);
      return true;
    },
    async settled() {
      await Promise.all(tasks);
    },
  };
}
