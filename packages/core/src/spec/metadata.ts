/**
 * Authorization server metadata (OpenID Connect Discovery / RFC 8414), after endpoint
 * overrides were applied. Unknown members are kept.
 */
export interface ServerMetadata {
  issuer: string;
  authorization_endpoint?: string;
  token_endpoint?: string;
  device_authorization_endpoint?: string;
  revocation_endpoint?: string;
  userinfo_endpoint?: string;
  jwks_uri?: string;
  end_session_endpoint?: string;
  scopes_supported?: string[];
  grant_types_supported?: string[];
  response_types_supported?: string[];
  code_challenge_methods_supported?: string[];
  token_endpoint_auth_methods_supported?: string[];
  token_endpoint_auth_signing_alg_values_supported?: string[];
  id_token_signing_alg_values_supported?: string[];
  authorization_response_iss_parameter_supported?: boolean;
  [member: string]: unknown;
}

/** Metadata as stored beside the tokens, so a later process can refresh without discovery. */
export interface CachedMetadata {
  document: ServerMetadata;
  /** Epoch ms when it was fetched; entries older than the TTL are fetched again. */
  fetchedAt: number;
  /** True when no discovery document was fetched (every endpoint was given). */
  synthesized?: boolean;
}
