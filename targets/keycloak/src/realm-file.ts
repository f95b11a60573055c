import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/**
 * The realm file kept in the repository (targets/keycloak/realm/oidcflow-realm.json). The same
 * relative path works from src/ (tests) and dist/ (the built harness).
 */
export const REALM_FILE_PATH = fileURLToPath(new URL('../realm/oidcflow-realm.json', import.meta.url));

/** What the realm file defines; the names must match targets/keycloak/realm/oidcflow-realm.json. */
export const REALM_CLIENTS = {
  authCode: 'oidcflow-cli',
  device: 'oidcflow-device',
  /** Device codes live 3 s (`oauth2.device.code.lifespan`), polls every 1 s. */
  deviceExpiring: 'oidcflow-device-expiring',
  /** Polls at most every 3 s (`oauth2.device.polling.interval`), else `slow_down`. */
  deviceSlow: 'oidcflow-device-slow',
  service: 'oidcflow-service',
  /** The resource server the audience mapper names. */
  api: 'oidcflow-api',
  /** Auth code + PKCE with login levels: acr `silver` (password), `gold` (password + OTP); see step-up-flow.ts. */
  stepUp: 'oidcflow-step-up',
} as const;
/** The realm's test user. */
export const REALM_USERNAME = 'conformance-user';
/** Another user of the matrix, for the scenario of several accounts (`otherUser`). */
export const REALM_OTHER_USERNAME = 'bob';
/**
 * The user with a second factor (an OTP authenticator, `@@OTP_SECRET@@`), for the step-up
 * client. Kept apart: the realm's default browser flow asks every user who has OTP for a code.
 */
export const REALM_STEP_UP_USERNAME = 'stepup-user';
/** A second user, for tests that run beside the matrix on a shared Keycloak (consent revocations stay apart). */
export const REALM_TESTER_USERNAME = 'keycloak-tester';
/** The device timings the realm file sets on the two clients above. */
export const REALM_DEVICE_TIMING = { codeLifespanSeconds: 3, intervalSeconds: 3 } as const;

/** The realm, ready to import, with the values generated for this run. */
export interface PatchedRealm {
  json: string;
  userPassword: string;
  serviceClientSecret: string;
  /** The step-up user's TOTP key: Keycloak keys the HMAC with this string's UTF-8 bytes. */
  otpSecret: string;
}

/**
 * Fills the placeholders of the realm file with values made up for this run, so no password or
 * secret is ever stored in the repository or reused between runs.
 */
export async function patchedRealm(path: string = REALM_FILE_PATH): Promise<PatchedRealm> {
  const template = await readFile(path, 'utf8');
  const values = {
    '@@USER_PASSWORD@@': `fake-password-${randomBytes(9).toString('base64url')}`,
    '@@SERVICE_CLIENT_SECRET@@': `fake-secret-${randomBytes(18).toString('base64url')}`,
    '@@API_CLIENT_SECRET@@': `fake-secret-${randomBytes(18).toString('base64url')}`,
    // base64url: nothing to escape inside the JSON string of the OTP credential's secretData.
    '@@OTP_SECRET@@': randomBytes(15).toString('base64url'),
  };
  let json = template;
  for (const [placeholder, value] of Object.entries(values)) {
    if (!json.includes(placeholder))
      throw new Error(`the realm file ${path} lacks the placeholder ${placeholder}; restore it`);
    json = json.replaceAll(placeholder, value);
  }
  JSON.parse(json); // A broken realm file should fail here, not deep inside Keycloak's import.
  return {
    json,
    userPassword: values['@@USER_PASSWORD@@'],
    serviceClientSecret: values['@@SERVICE_CLIENT_SECRET@@'],
    otpSecret: values['@@OTP_SECRET@@'],
  };
}
