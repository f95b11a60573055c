import { ErrorCode } from '../errors/codes.js';
import { OidcflowError } from '../errors/oidcflow-error.js';
import type { IdpPlugin } from '../spec/idp.js';
import type { ClientAuthMethod } from './client-auth.js';

/**
 * The client authentication the matching IdP plugins insist on (the first that says), after
 * checking that a plugin requiring a client secret has one: such an IdP refuses every token
 * request without it, so it is better said before the browser opens.
 */
export function insistedClientAuth(
  idps: readonly IdpPlugin[],
  credentials: { hasClientSecret: boolean; hasPrivateKey: boolean },
): ClientAuthMethod | undefined {
  const needsSecret = idps.find((idp) => idp.requiresClientSecret);
  if (needsSecret && !credentials.hasClientSecret && !credentials.hasPrivateKey) {
    throw new OidcflowError(
      ErrorCode.CLIENT_SECRET_MISSING,
      `The IdP plugin "${needsSecret.name}" says this IdP accepts no token request without a client secret: ` +
        'set the clientSecret option or the OIDCFLOW_CLIENT_SECRET environment variable.',
    );
  }
  return idps.find((idp) => idp.tokenEndpointAuthMethod)?.tokenEndpointAuthMethod;
}

type DeviceResponseAdjuster = (body: Record<string, unknown>) => Record<string, unknown>;

/** The matching IdP plugins' device authorization response fix-ups, in order, as one option. */
export function deviceResponseAdjuster(idps: readonly IdpPlugin[]): {
  adjustDeviceAuthorizationResponse?: DeviceResponseAdjuster;
} {
  const hooks = idps.flatMap((idp) =>
    idp.adjustDeviceAuthorizationResponse ? [idp.adjustDeviceAuthorizationResponse.bind(idp)] : [],
  );
  if (hooks.length === 0) return {};
  return {
    adjustDeviceAuthorizationResponse: (body) => {
      let current = body;
      // Each hook gets its own copy, so one cannot change what an earlier one returned.
      for (const hook of hooks) current = hook({ ...current });
      return current;
    },
  };
}
