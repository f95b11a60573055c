import { timingSafeEqual } from 'node:crypto';
import type { CallbackVerdict } from '../listener/loopback-listener.js';

export interface ExpectedCallback {
  state: string;
  /** The issuer of the metadata (what RFC 9207 `iss` must equal). */
  issuer: string;
  /** The metadata advertises `authorization_response_iss_parameter_supported`: `iss` must be present. */
  issRequired: boolean;
}

const SINGLE_VALUED = ['state', 'iss', 'code', 'error', 'error_description'] as const;

function sameString(actual: string, expected: string): boolean {
  const a = Buffer.from(actual);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Decides whether a request is this login's authorization response, before anything else looks
 * at it: right `state` (RFC 9700 §4.7) and right `iss` (RFC 9207). Error responses pass the
 * same checks, so a forged `error=access_denied` is never shown as the IdP's answer.
 * openid-client repeats these checks in the code exchange; this copy lets the listener refuse
 * a stray or forged request and keep waiting, without a token request.
 */
export function checkCallback(parameters: URLSearchParams, expected: ExpectedCallback): CallbackVerdict {
  for (const name of SINGLE_VALUED) {
    if (parameters.getAll(name).length > 1) {
      return { accepted: false, reason: `The response repeats the "${name}" parameter.` };
    }
  }
  const state = parameters.get('state');
  if (state === null) {
    return { accepted: false, reason: 'The response carries no state, so it cannot belong to this login.' };
  }
  if (!sameString(state, expected.state)) {
    return {
      accepted: false,
      reason: 'The response carries another state than this login sent (an older login, or another site).',
    };
  }
  const iss = parameters.get('iss');
  if (iss === null && expected.issRequired) {
    return {
      accepted: false,
      reason: 'The response lacks the iss parameter that this IdP promises to send (RFC 9207).',
    };
  }
  if (iss !== null && iss !== expected.issuer) {
    return {
      accepted: false,
      reason: `The response comes from another issuer (${iss}) than this login uses (${expected.issuer}).`,
    };
  }
  if (!parameters.get('code') && !parameters.get('error')) {
    return { accepted: false, reason: 'The response carries neither an authorization code nor an error.' };
  }
  return { accepted: true };
}
