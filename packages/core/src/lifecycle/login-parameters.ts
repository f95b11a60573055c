import type { AuthenticationRequirements, LoginRequestOptions } from '../config/login-request.js';

// Apart from config/login-request.ts (checked when an instance is made): only a login needs
// these, so they load with the slow path, not with every cache hit.

/** The authorization request parameters of the login request options, in the IdP's names. */
export function loginRequestParameters(options: LoginRequestOptions): Record<string, string> {
  const parameters: Record<string, string> = { ...options.authParams };
  if (options.loginHint) parameters.login_hint = options.loginHint;
  if (options.prompt) parameters.prompt = options.prompt;
  if (options.acrValues?.length) parameters.acr_values = options.acrValues.join(' ');
  if (options.maxAge !== undefined) parameters.max_age = String(options.maxAge);
  if (options.uiLocales?.length) parameters.ui_locales = options.uiLocales.join(' ');
  return parameters;
}

/** What the ID token of a login must show, when the options ask for anything. */
export function authenticationRequirements(options: LoginRequestOptions): AuthenticationRequirements {
  return {
    ...(options.acrValues?.length ? { acrValues: options.acrValues } : {}),
    ...(options.maxAge !== undefined ? { maxAge: options.maxAge } : {}),
  };
}
