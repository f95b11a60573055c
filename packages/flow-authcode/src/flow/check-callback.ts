import { timingSafeEqual } from 'node:crypto';
import { terminalText } from '@oidcflow/core';
import type { CallbackVerdict } from '../listener/loopback-listener.js';

export interface ExpectedCallback {
  state: string;
  /** The issuer of the metadata (what RFC 9207 `iss` must equal). */
  issuer: string;
  /** The metadata advertises `authorization_response_iss_parameter_supported`: `iss` must be present. */
  issRequired: boolean;
}

/** Parameters that RFC 6749 §4.1.2 and RFC 9207 define once; a repeat is a malformed response. */
const SINGLE_VALUED = ['iss', 'code', 'error', 'error_description', 'error_uri'] as const;

function sameString(actual: string, expected: string): boolean {
  const a = Buffer.from(actual);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Decides what a request on the callback path is, before anything else looks at it.
 *
 * The `state` (RFC 9700 §4.7) decides whether it belongs to this login: without it, or with
 * another one, it is ignored and the login keeps waiting. With it, the response must also have
 * the right `iss` (RFC 9207) and a proper form, else the login ends without a token request.
 * Error responses pass the same checks, so a forged `error=access_denied` is never shown as
 * the IdP's answer. openid-client repeats these checks in the code exchange; this copy lets
 * the listener ignore stray requests and stop a mix-up before the code is sent anywhere.
 */
export function checkCallback(parameters: URLSearchParams, expected: ExpectedCallback): CallbackVerdict {
  const states = parameters.getAll('state');
  if (states.length === 0) {
    return { kind: 'ignore', reason: 'The response carries no state, so it cannot belong to this login.' };
  }
  if (states.length > 1 || !sameString(states[0] as string, expected.state)) {
    return {
      kind: 'ignore',
      reason: 'The response carries another state than this login sent (an older login, or another site).',
    };
  }
  for (const name of SINGLE_VALUED) {
    if (parameters.getAll(name).length > 1) {
      return { kind: 'refuse', reason: `The response repeats the "${name}" parameter.` };
    }
  }
  const iss = parameters.get('iss');
  if (iss === null && expected.issRequired) {
    return {
      kind: 'refuse',
      reason:
        'The response lacks the iss parameter that this IdP promises to send (RFC 9207), so it may come ' +
        'from another IdP (a mix-up attack).',
    };
  }
  if (iss !== null && iss !== expected.issuer) {
    return {
      kind: 'refuse',
      reason: `The response names another issuer (${terminalText(iss)}) than this login uses (${terminalText(expected.issuer)}) (RFC 9207).`,
    };
  }
  const hasCode = Boolean(parameters.get('code'));
  const hasError = Boolean(parameters.get('error'));
  if (hasCode === hasError) {
    return {
      kind: 'refuse',
      reason: hasCode
        ? 'The response carries both an authorization code and an error.'
        : 'The response carries neither an authorization code nor an error.',
    };
  }
  return { kind: 'accept' };
}
