import { ErrorCode } from '../errors/codes.js';
import { OidcflowError } from '../errors/oidcflow-error.js';
import { terminalText } from '../errors/terminal-text.js';
import type { ServerMetadata } from '../spec/metadata.js';

/** How the client proves who it is at the token endpoint (RFC 6749 §2.3, OIDC Core §9). */
export type ClientAuthMethod =
  | 'none'
  | 'client_secret_basic'
  | 'client_secret_post'
  | 'private_key_jwt'
  /** The workload's platform token as `client_assertion` (RFC 7523 §2.2; Keycloak's federated client authentication). */
  | 'workload_assertion';

/**
 * Picks the client authentication from what the caller has and what the IdP advertises in
 * `token_endpoint_auth_methods_supported`: a key → private_key_jwt; a secret → basic (the
 * RFC 6749 default) unless only post is advertised; neither → none (a public client).
 */
export function clientAuthMethodFor(
  metadata: ServerMetadata,
  credentials: { hasClientSecret: boolean; hasPrivateKey: boolean; hasWorkloadAssertion?: boolean },
  /** What an IdP plugin insists on (`tokenEndpointAuthMethod`); wins over the metadata. */
  insisted?: ClientAuthMethod,
): ClientAuthMethod {
  // Asked for by name (identityUse client_assertion, or auto chose it): the IdP decides.
  if (credentials.hasWorkloadAssertion) return 'workload_assertion';
  if (insisted === 'none') return 'none';
  if (insisted === 'private_key_jwt' && credentials.hasPrivateKey) return insisted;
  if (
    (insisted === 'client_secret_basic' || insisted === 'client_secret_post') &&
    credentials.hasClientSecret
  )
    return insisted;
  const supported = metadata.token_endpoint_auth_methods_supported;
  if (credentials.hasPrivateKey) {
    if (supported && !supported.includes('private_key_jwt')) {
      throw new OidcflowError(
        ErrorCode.CONFIG_INVALID,
        `privateKeyPath was given, but the IdP does not accept private_key_jwt (it supports: ${terminalText(supported.join(', '))}). ` +
          'Use clientSecret instead, or enable private_key_jwt for this client at the IdP.',
      );
    }
    return 'private_key_jwt';
  }
  if (!credentials.hasClientSecret) return 'none';
  if (supported && !supported.includes('client_secret_basic') && supported.includes('client_secret_post')) {
    return 'client_secret_post';
  }
  return 'client_secret_basic';
}
