import { ErrorCode } from '../errors/codes.js';
import { OidcflowError } from '../errors/oidcflow-error.js';
import { validateLoginRequest } from './login-request.js';
import type { OidcAuthOptions, StepUpMode } from './options.js';

const STEP_UP_MODES: readonly StepUpMode[] = ['auto', 'login', 'error'];

function invalid(message: string): never {
  throw new OidcflowError(ErrorCode.CONFIG_INVALID, message);
}

/** Checks the form of options that need no network, so mistakes show before any request. */
export function validateOptions(options: OidcAuthOptions): void {
  const port = options.callbackPort;
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65_535)) {
    invalid(`callbackPort ${port} is not a port: use an integer from 1 to 65535, or 0 to let the OS choose.`);
  }
  const timeout = options.callbackTimeoutSeconds;
  if (timeout !== undefined && !(Number.isFinite(timeout) && timeout > 0)) {
    invalid(`callbackTimeoutSeconds ${timeout} must be a positive number of seconds.`);
  }
  const httpTimeout = options.httpTimeoutSeconds;
  if (httpTimeout !== undefined && !(Number.isFinite(httpTimeout) && httpTimeout > 0)) {
    invalid(`httpTimeoutSeconds ${httpTimeout} must be a positive number of seconds.`);
  }
  const fetchTimeout = options.fetchTimeoutSeconds;
  if (fetchTimeout !== undefined && !(Number.isFinite(fetchTimeout) && fetchTimeout > 0)) {
    invalid(`fetchTimeoutSeconds ${fetchTimeout} must be a positive number of seconds.`);
  }
  const maxBytes = options.maxResponseBytes;
  if (maxBytes !== undefined && !(Number.isSafeInteger(maxBytes) && maxBytes > 0)) {
    invalid(`maxResponseBytes ${maxBytes} must be a positive whole number of bytes (default 1048576).`);
  }
  if (options.flow !== undefined && (typeof options.flow !== 'string' || options.flow === '')) {
    invalid('flow must be "auto", "auth_code", "device", or the name of a flow plugin.');
  }
  if (options.redirectUri !== undefined) {
    try {
      new URL(options.redirectUri);
    } catch {
      invalid(
        `redirectUri "${options.redirectUri}" is not an absolute URL, e.g. http://127.0.0.1:8765/callback.`,
      );
    }
  }
  // With a profile the server source may come from it (resource-url): checked once it is read.
  if (options.useServerAudience && !options.server && options.profile === undefined) {
    // Silently ignoring it would send no audience, and the API would refuse the tokens later.
    invalid(
      'useServerAudience takes the audience from the server source, and no server source is set: add the server option (server: { resourceUrl } or a function), or set audience instead.',
    );
  }
  if (options.audience !== undefined && (typeof options.audience !== 'string' || options.audience === '')) {
    invalid('audience must be a non-empty string.');
  }
  if (
    options.account !== undefined &&
    (typeof options.account !== 'string' || options.account.trim() === '')
  ) {
    invalid('account must be a non-empty string: a user name, e-mail address or sub.');
  }
  if (
    options.profile !== undefined &&
    (typeof options.profile !== 'string' || options.profile.trim() === '')
  ) {
    invalid('profile must be the name of a profile of the configuration file (oidcflow profile list).');
  }
  if (options.stepUp !== undefined && !STEP_UP_MODES.includes(options.stepUp)) {
    invalid(
      `stepUp "${String(options.stepUp)}" must be "auto" (log in for an API's step-up only at a terminal), "login" (always) or "error" (never).`,
    );
  }
  validateLoginRequest(options);
}
