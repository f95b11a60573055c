import type { PageScript } from '@oidcflow/conformance/targets';
import { type FormIdp, formPageScript } from '@oidcflow/conformance/targets';

/**
 * Keycloak's pages (theme keycloak.v2), as the browser sees them. Each step waits, with a bound,
 * for the next known page or for the browser to leave Keycloak (the loopback callback).
 */
const KEYCLOAK_FORMS: FormIdp = {
  name: 'keycloak',
  idp: 'Keycloak',
  selectors: {
    loginForm: '#kc-form-login',
    username: 'input#username',
    password: 'input#password',
    // A re-authentication (prompt=login, max_age) shows the session's user and asks the password only.
    namedUser: '#kc-attempted-username',
    restartLogin: '#reset-login',
    loginSubmit: 'button#kc-login, input#kc-login',
    deviceForm: '#kc-user-verify-device-user-code-form',
    deviceCode: 'input#device_user_code',
    deviceSubmit: '#kc-login',
    consentForm: '#kc-oauth',
    consentApprove: '#kc-login[name=accept]',
    consentDeny: '#kc-cancel[name=cancel]',
    oneTimeCodeForm: '#kc-otp-login-form',
    oneTimeCode: 'input#otp',
    oneTimeCodeSubmit: '#kc-login',
    error: '#kc-error-message',
    // Why a form came back (keycloak.v2, Keycloak 26): the sign-in's error under the user name
    // field (under the password on a re-authentication), the one-time code's (login-otp.ftl:
    // field `otp`; `otp-code` on the authenticator set-up page), else the page's error alert
    // (the device code's). Not `.kc-feedback-text` alone: the re-authentication page's "Please
    // re-authenticate to continue" is an info alert in it. `#input-error` is the older theme's.
    feedback: [
      '#input-error-username',
      '#input-error-password',
      '#input-error-otp',
      '#input-error-otp-code',
      '.pf-m-danger .kc-feedback-text',
      '.alert-error .kc-feedback-text',
      '#input-error',
    ].join(', '),
  },
  // The OTP form of the step-up level before the dead ends, which name it for users without one.
  order: ['error', 'one-time-code', 'dead-end', 'consent', 'device-code', 'login'],
  // Login, device code, consent, plus retries of a page that came back.
  maxSteps: 6,
  // Required actions Keycloak puts between login and consent when the realm's user is incomplete.
  deadEnd: {
    selector: '#kc-update-profile-form, #kc-passwd-update-form, #kc-otp-login-form, #kc-totp-settings-form',
    message:
      'Keycloak shows a required action (update profile or password, OTP) after sign-in: the realm file must give the test user email, names, emailVerified and a non-temporary password',
  },
  consentHint: 'needs consentRequired and no remembered consent',
  // "Device Login Successful" has no form: it ends a device verification.
  informationPageEnds: true,
};

/** Keycloak's pages. */
export const keycloakPages: PageScript = formPageScript(KEYCLOAK_FORMS);
