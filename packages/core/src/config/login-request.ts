import { ErrorCode } from '../errors/codes.js';
import { OidcflowError } from '../errors/oidcflow-error.js';

/**
 * What the user may say about the login itself (OIDC Core §3.1.2.1): who is expected, whether
 * to ask again, how strongly, in which language, and parameters of the IdP's own. They go into
 * the authorization request (browser) and the device authorization request (device flow).
 */
export interface LoginRequestOptions {
  /** Who should log in (`login_hint`): the IdP pre-fills its login page with it. */
  loginHint?: string;
  /** `prompt`: `login` (authenticate again), `consent`, `select_account`, `none`; space-separated for several. */
  prompt?: string;
  /**
   * Authentication context classes asked for (`acr_values`), most wanted first. The ID token's
   * `acr` must be one of them, else the login fails with `LOGIN_REQUIREMENT_UNMET`.
   */
  acrValues?: readonly string[];
  /**
   * Seconds since the user last authenticated at the IdP beyond which they must authenticate
   * again (`max_age`; 0: always). The ID token's `auth_time` must show it, else the login fails
   * with `LOGIN_REQUIREMENT_UNMET`.
   */
  maxAge?: number;
  /** Languages for the IdP's pages (`ui_locales`), most preferred first, e.g. `['de', 'en']`. */
  uiLocales?: readonly string[];
  /**
   * More authorization request parameters, e.g. `{ kc_idp_hint: 'github' }` or `{ organization: 'org_1' }`.
   * The ones that protect or shape the request (`state`, `redirect_uri`, `code_challenge`,
   * `client_id`, `scope`, …) are refused, as are those with an option of their own.
   */
  authParams?: Readonly<Record<string, string>>;
}

/** What the ID token must show about the authentication, from the login request. */
export interface AuthenticationRequirements {
  acrValues?: readonly string[];
  maxAge?: number;
}

/** Set by the protocol port or the flow for the login's own safety or shape: never from the user. */
const PROTOCOL_PARAMETERS = new Set([
  'response_type',
  'response_mode',
  'client_id',
  'client_secret',
  'client_assertion',
  'client_assertion_type',
  'redirect_uri',
  'scope',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
  'code_verifier',
  'request',
  'request_uri',
  'grant_type',
  'device_code',
  'dpop_jkt',
]);

/** Parameters with an option of their own: one way to set each, so the cache and checks see it. */
const OWN_OPTION: Readonly<Record<string, string>> = {
  login_hint: 'loginHint (--login-hint)',
  prompt: 'prompt (--prompt)',
  acr_values: 'acrValues (--acr-values)',
  max_age: 'maxAge (--max-age)',
  ui_locales: 'uiLocales (--ui-locales)',
  audience: 'audience (--audience)',
  resource: 'audience (--audience)',
};

function invalid(message: string): never {
  throw new OidcflowError(ErrorCode.CONFIG_INVALID, message);
}

function checkWords(name: string, values: readonly string[] | undefined): void {
  if (values === undefined) return;
  if (!Array.isArray(values) || values.some((value) => typeof value !== 'string' || !/^\S+$/.test(value))) {
    invalid(`${name} must be a list of words without spaces, e.g. ["gold", "silver"].`);
  }
}

/** Checks the login request options' form, before any request. */
export function validateLoginRequest(options: LoginRequestOptions): void {
  const { loginHint, prompt, maxAge, authParams } = options;
  if (loginHint !== undefined && (typeof loginHint !== 'string' || loginHint.trim() === '')) {
    invalid('loginHint must be a non-empty string: the user name or e-mail address the IdP should expect.');
  }
  if (prompt !== undefined && (typeof prompt !== 'string' || prompt.trim() === '')) {
    invalid('prompt must be one or more of login, consent, select_account, none (space-separated).');
  }
  checkWords('acrValues', options.acrValues);
  checkWords('uiLocales', options.uiLocales);
  if (maxAge !== undefined && !(Number.isSafeInteger(maxAge) && maxAge >= 0)) {
    invalid(
      `maxAge ${String(maxAge)} must be a whole number of seconds, 0 or more (0: always authenticate again).`,
    );
  }
  for (const [name, value] of Object.entries(authParams ?? {})) {
    const lower = name.toLowerCase();
    if (name === '' || typeof value !== 'string') {
      invalid(`authParams must map parameter names to strings (got ${JSON.stringify(name)}).`);
    }
    if (PROTOCOL_PARAMETERS.has(lower)) {
      invalid(
        `authParams may not set "${name}": oidcflow sets it to protect the login (state, PKCE, redirect, client). Remove it.`,
      );
    }
    const own = OWN_OPTION[lower];
    if (own) invalid(`authParams may not set "${name}": use the option ${own} instead.`);
  }
}
