import type { PageScript } from '@oidcflow/conformance/targets';
import { type FormIdp, formPageScript } from '@oidcflow/conformance/targets';

/**
 * The pages of the harness's Spring Authorization Server (targets/spring/spring-as), as the browser
 * sees them: Spring Security's generated login page, Spring AS's own consent page (one checkbox
 * per scope that needs consent; "Cancel" empties them and submits, which Spring AS answers with
 * access_denied), and the server's device pages (enter the code, "device activated").
 */
const SPRING_FORMS: FormIdp = {
  name: 'spring',
  idp: 'Spring',
  selectors: {
    loginForm: 'form:has(input[name=password])',
    username: 'input[name=username]',
    password: 'input[name=password]',
    loginSubmit: 'form:has(input[name=password]) button[type=submit]',
    deviceForm: 'form#device-activate',
    deviceCode: 'input#user_code',
    deviceSubmit: 'button#activate',
    consentForm: 'form[name=consent_form]',
    consentScopes: 'form[name=consent_form] input[type=checkbox][name=scope]:not([disabled])',
    consentApprove: '#submit-consent',
    consentDeny: '#cancel-consent',
    // Spring Boot's error page (a refused device consent ends there with 400).
    error: 'body:has-text("Whitelabel Error Page")',
    feedback: '.alert-danger, .alert.alert-danger',
  },
  order: ['consent', 'device-code', 'activated', 'login', 'error'],
  // Login, device code, consent, and one page coming back; more means the script is going round.
  maxSteps: 6,
  activated: '#device-activated',
  consentHint: 'must require consent',
  informationPageEnds: false,
};

/** The Spring target's pages. */
export const springPages: PageScript = formPageScript(SPRING_FORMS);
