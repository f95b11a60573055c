import type { ErrorCode } from './codes.js';
import { terminalMessage, terminalText } from './terminal-text.js';

const MARKER = Symbol.for('oidcflow.error');

export interface OidcflowErrorOptions {
  cause?: unknown;
  /** The OAuth `error` the IdP returned, when there was one. */
  oauthError?: string;
  /** The IdP's `error_description`, already free of secrets. */
  oauthErrorDescription?: string;
  /** HTTP status of the response that caused this error, when there was one. */
  status?: number;
  /** The flow that failed, when a flow failed. */
  flow?: string;
}

/**
 * The one error class of oidcflow. `code` is stable (see `ErrorCode`); `message` says what
 * happened and what to do next, and never contains a token or a secret. Messages quote what
 * the IdP said, so each message is one line with control, bidi and line-break characters shown
 * as `\uXXXX`, and bounded (see `terminalText`): printing `error.message` to a terminal is safe.
 * Quote each value from outside with `terminalText` (which bounds it on its own), so that a
 * long one cannot crowd out what to do next.
 *
 * Several copies of @oidcflow/core can be loaded at once (each plugin imports core), so use
 * `OidcflowError.isInstance(e)` rather than `instanceof`.
 */
export class OidcflowError extends Error {
  readonly [MARKER] = true;
  override readonly name = 'OidcflowError';
  readonly code: ErrorCode;
  readonly oauthError?: string;
  readonly oauthErrorDescription?: string;
  readonly status?: number;
  readonly flow?: string;

  constructor(code: ErrorCode, message: string, options: OidcflowErrorOptions = {}) {
    super(terminalMessage(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options.oauthError !== undefined) this.oauthError = options.oauthError;
    if (options.oauthErrorDescription !== undefined)
      this.oauthErrorDescription = terminalText(options.oauthErrorDescription);
    if (options.status !== undefined) this.status = options.status;
    if (options.flow !== undefined) this.flow = options.flow;
  }

  static isInstance(value: unknown): value is OidcflowError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }
}
