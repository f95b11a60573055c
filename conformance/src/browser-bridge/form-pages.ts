import type { Page } from 'playwright-core';
import type { PageScript } from './page-script.js';
import {
  FormRefused,
  fillSignIn,
  type PageBounds,
  type PageInput,
  readSignInPage,
  submitAndWait,
  textOf,
  walkPages,
} from './page-wait.js';

/** Where an IdP's own sign-in, device and consent forms are (CSS selectors). */
export interface FormSelectors {
  loginForm: string;
  username: string;
  password: string;
  /** Where a sign-in page that asks only for a password names its user (a re-authentication). */
  namedUser?: string;
  /** The control that leaves such a page for a fresh sign-in form ("restart login"). */
  restartLogin?: string;
  loginSubmit: string;
  deviceForm: string;
  deviceCode: string;
  deviceSubmit: string;
  consentForm: string;
  consentApprove: string;
  consentDeny: string;
  /** Boxes to tick before approving (Spring AS grants only the scopes ticked). */
  consentScopes?: string;
  /** The second factor's form (a one-time code from an authenticator app), its field and button. */
  oneTimeCodeForm?: string;
  oneTimeCode?: string;
  oneTimeCodeSubmit?: string;
  /** The IdP's error page; its text goes into the error. */
  error: string;
  /**
   * Where the IdP says why it refused a sign-in, one-time code or device code form that it
   * shows again (its error texts): the wait after the submit ends there at once, with these words.
   */
  feedback: string;
}

/** The kinds of page a form IdP shows. */
type FormPage = 'login' | 'one-time-code' | 'device-code' | 'consent' | 'error' | 'activated' | 'dead-end';

/**
 * An IdP that signs in, takes the device user code and asks for consent with forms of its
 * own (Keycloak, the Spring Authorization Server): its selectors, and how it differs.
 */
export interface FormIdp {
  /** The script's name, e.g. `keycloak`. */
  name: string;
  /** How the errors name it, e.g. `Keycloak`. */
  idp: string;
  selectors: FormSelectors;
  /** The pages in the order they are told apart; the last is taken when none is visible any more. */
  order: readonly FormPage[];
  /** Pages one call may answer (login, device code, consent, and one that came back). */
  maxSteps: number;
  /** The page that says a device verification is complete, where the IdP has one. */
  activated?: string;
  /** A page after sign-in that the script cannot answer, and what the error says about it. */
  deadEnd?: { selector: string; message: string };
  /** What the error adds when consent was to be refused but not asked, after "the <flow> client". */
  consentHint: string;
  /** An IdP page without a form after a form was answered ends the walk (an information page). */
  informationPageEnds: boolean;
}

/** The page script of a form IdP, within `bounds`. */
export function formPageScript(idp: FormIdp, bounds: PageBounds = {}): PageScript {
  const walk = (page: Page, input: PageInput, device: boolean) =>
    walkFormPages(page, input, device, idp, bounds);
  return {
    name: idp.name,
    reportsSignInPages: true,
    completeLogin: (page, input) => walk(page, input, false),
    completeDeviceVerification: (page, input) => walk(page, input, true),
  };
}

function walkFormPages(
  page: Page,
  input: PageInput,
  device: boolean,
  idp: FormIdp,
  bounds: PageBounds,
): Promise<void> {
  const { selectors } = idp;
  const idpOrigin = new URL(page.url()).origin;
  const answered = new Set<FormPage>();
  let restarted = false;
  const selectorOf: Record<FormPage, string | undefined> = {
    login: selectors.loginForm,
    'one-time-code': selectors.oneTimeCodeForm,
    'device-code': selectors.deviceForm,
    consent: selectors.consentForm,
    error: selectors.error,
    activated: idp.activated,
    'dead-end': idp.deadEnd?.selector,
  };
  const pathname = () => new URL(page.url()).pathname;
  const refusedMessage: Partial<Record<FormPage, string>> = {
    login: `${idp.idp} refused the test user's sign-in`,
    'one-time-code': `${idp.idp} refused the test user's one-time code`,
    'device-code': `${idp.idp} refused the device user code`,
  };
  /**
   * A form that comes back was refused. The wait after its submit reports that when the IdP
   * shows its feedback; this is for a form back without one ("no message shown").
   */
  const firstTime = async (kind: FormPage) => {
    if (answered.has(kind))
      throw new FormRefused(refusedMessage[kind] ?? idp.idp, await textOf(page.locator(selectors.feedback)));
    answered.add(kind);
  };
  return walkPages(page, bounds, {
    idp: idp.idp,
    maxSteps: idp.maxSteps,
    isIdpOrigin: (origin) => origin === idpOrigin,
    pages: idp.order.flatMap((kind) => {
      const selector = selectorOf[kind];
      return selector ? [[kind, selector] as const] : [];
    }),
    answer: async (current, stepTimeoutMs) => {
      /** Submits `kind`'s form; a refusal (the form back with feedback) throws with the IdP's words. */
      const submit = (button: string, form: string, kind?: FormPage) => {
        const refused = kind && refusedMessage[kind];
        return submitAndWait(
          page,
          page.locator(button),
          refused ? { form, refusal: selectors.feedback, refused } : form,
          stepTimeoutMs,
        );
      };
      switch (current) {
        case 'login': {
          // A re-authentication of another user than the test user (the IdP's session is
          // theirs): a person restarts the login to sign in as themselves, once.
          const shown = await readSignInPage(page, selectors);
          if (
            !shown.usernameEditable &&
            shown.username !== input.user.username &&
            selectors.restartLogin &&
            !restarted
          ) {
            restarted = true;
            input.onSignIn?.(shown);
            await submitAndWait(
              page,
              page.locator(selectors.restartLogin),
              selectors.restartLogin,
              stepTimeoutMs,
            );
            return 'next';
          }
          await firstTime('login');
          await fillSignIn(page, selectors, input.user, input.onSignIn);
          await submit(selectors.loginSubmit, selectors.loginForm, 'login');
          return 'next';
        }
        case 'one-time-code': {
          await firstTime('one-time-code');
          if (!input.user.oneTimeCode || !selectors.oneTimeCode || !selectors.oneTimeCodeSubmit) {
            throw new Error(
              `${idp.idp} asks for a one-time code (a second factor), and the test user ${input.user.username} has no authenticator`,
            );
          }
          await page.locator(selectors.oneTimeCode).fill(input.user.oneTimeCode());
          await submit(selectors.oneTimeCodeSubmit, selectors.oneTimeCodeForm as string, 'one-time-code');
          return 'next';
        }
        case 'device-code': {
          await firstTime('device-code');
          if (!input.userCode)
            throw new Error(`${idp.idp} asks for the device user code, but the script was given none`);
          // verification_uri_complete may have filled it in already.
          const field = page.locator(selectors.deviceCode);
          if ((await field.inputValue()) !== input.userCode) await field.fill(input.userCode);
          await submit(selectors.deviceSubmit, selectors.deviceForm, 'device-code');
          return 'next';
        }
        case 'consent':
          if (input.consent === 'deny') {
            await submit(selectors.consentDeny, selectors.consentForm);
            return 'done';
          }
          if (selectors.consentScopes) {
            for (const box of await page.locator(selectors.consentScopes).all()) await box.check();
          }
          await submit(selectors.consentApprove, selectors.consentForm);
          return 'done';
        case 'activated':
          if (input.consent === 'deny')
            throw new Error(
              `${idp.idp} activated the device without asking for consent, so it cannot be refused`,
            );
          return 'done';
        case 'dead-end':
          throw new Error(idp.deadEnd?.message ?? `${idp.idp} shows a page the script cannot answer`);
        case 'error':
          throw new Error(
            `${idp.idp} shows an error page at ${pathname()}: ${await textOf(page.locator(selectors.error))}`,
          );
        case 'left':
        case 'other':
          // Consent was not asked (granted before, or not required): the flow went on without it.
          if (input.consent === 'deny') {
            throw new Error(
              `${idp.idp} did not show a consent page, so consent cannot be refused (the ${device ? 'device' : 'auth code'} client ${idp.consentHint})`,
            );
          }
          if (current === 'other' && !(idp.informationPageEnds && answered.size > 0)) {
            throw new Error(
              `${idp.idp} showed an unexpected page at ${pathname()}: ${await textOf(page.locator('body'))}`,
            );
          }
          return 'done';
      }
    },
  });
}
