import { decodeJwt, decodeProtectedHeader } from 'jose';
import { isTime } from '../cache/usable-entry.js';
import { ErrorCode } from '../errors/codes.js';
import { OidcflowError } from '../errors/oidcflow-error.js';
import { terminalText } from '../errors/terminal-text.js';

/** Seconds a platform token must still be valid for to be sent (the request takes time too). */
const MIN_REMAINING_SECONDS = 10;

/**
 * The claims of a platform token that say whom the IdP is asked to trust: what errors and
 * `explain` show instead of the token (which is never shown).
 */
export interface PlatformTokenClaims {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  /** Seconds since the epoch. */
  exp?: number;
}

/** A platform token just read and checked. `value` goes into one request and is then dropped. */
export interface PlatformToken {
  value: string;
  /** The source it came from (`github`, `file`, …). */
  source: string;
  claims: PlatformTokenClaims;
}

function invalid(source: string, why: string): OidcflowError {
  return new OidcflowError(
    ErrorCode.IDENTITY_TOKEN_INVALID,
    `The token from the ${source} identity source ${why}`,
  );
}

function claimText(value: unknown): string | undefined {
  return typeof value === 'string' ? terminalText(value) : undefined;
}

/** iss, sub, aud and exp as the token says them, in words a message can carry. */
export function describeClaims(claims: PlatformTokenClaims): string {
  const aud = Array.isArray(claims.aud) ? claims.aud.join(' ') : claims.aud;
  // A date only where one can hold it: `exp: 1e300` is said as the number, not "Invalid time value".
  const exp =
    claims.exp === undefined
      ? undefined
      : isTime(claims.exp * 1000)
        ? new Date(claims.exp * 1000).toISOString()
        : String(claims.exp);
  return [
    `iss=${claims.iss ?? '(none)'}`,
    `sub=${claims.sub ?? '(none)'}`,
    `aud=${aud ?? '(none)'}`,
    `exp=${exp ?? '(none)'}`,
  ].join(', ');
}

/**
 * Checks that `value` is a JWT (three base64url parts, a JSON header with an `alg`, a JSON
 * payload) whose `exp` is more than a few seconds away, before it is sent anywhere. The
 * signature is the IdP's to check. `requireJwt: false` (a token exchange of an opaque access
 * token) skips the checks a non-JWT cannot pass.
 */
export function checkPlatformToken(
  value: string,
  source: string,
  nowMs: number,
  requireJwt = true,
): PlatformToken {
  if (value === '') throw invalid(source, 'is empty.');
  const looksLikeJwt = /^[\w-]+\.[\w-]+\.[\w-]*$/.test(value);
  if (!looksLikeJwt) {
    if (!requireJwt) return { value, source, claims: {} };
    throw invalid(
      source,
      "is not a JWT (expected three base64url parts separated by dots). Check that the source holds the platform's OIDC token itself.",
    );
  }
  let payload: Record<string, unknown>;
  try {
    const header = decodeProtectedHeader(value);
    if (typeof header.alg !== 'string' || header.alg === 'none') throw new Error('no signature algorithm');
    payload = decodeJwt(value);
  } catch (error) {
    throw invalid(source, `is not a readable JWT (${(error as Error).message}).`);
  }
  const aud = payload.aud;
  const claims: PlatformTokenClaims = {};
  const iss = claimText(payload.iss);
  const sub = claimText(payload.sub);
  if (iss !== undefined) claims.iss = iss;
  if (sub !== undefined) claims.sub = sub;
  if (typeof aud === 'string') claims.aud = terminalText(aud);
  else if (Array.isArray(aud))
    claims.aud = aud.filter((entry) => typeof entry === 'string').map(terminalText);
  if (typeof payload.exp === 'number') claims.exp = payload.exp;
  if (claims.exp === undefined)
    throw invalid(source, `has no exp claim (${describeClaims(claims)}); a platform token always expires.`);
  if (claims.exp * 1000 < nowMs + MIN_REMAINING_SECONDS * 1000) {
    throw invalid(
      source,
      `has expired (${describeClaims(claims)}). The platform rotates it: check that the file or variable is the one it keeps fresh, and that the clock is right.`,
    );
  }
  return { value, source, claims };
}
