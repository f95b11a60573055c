import type { ServerMetadata } from './metadata.js';
import type { SpecificationVersion } from './version.js';

/** What an IdP plugin sees when it adjusts a request. */
export interface IdpRequestContext {
  issuer: string;
  clientId: string;
  scopes: readonly string[];
  audience?: string;
  flow: string;
}

/**
 * An IdP plugin describes one IdP's quirks, data first. Hooks are for what data cannot say;
 * give each a comment saying why the IdP needs it.
 */
export interface IdpPlugin {
  readonly kind: 'idp';
  readonly specificationVersion: SpecificationVersion;
  readonly name: string;
  /** True when this plugin applies to the IdP (by issuer, or by its metadata). */
  matches(input: { issuer: string; metadata?: ServerMetadata }): boolean;
  /**
   * How the `audience` option is sent: as `audience` (Auth0), as `resource` (RFC 8707), both,
   * or not at all (the IdP maps audiences itself, e.g. Keycloak's audience mapper).
   * @default 'audience'
   */
  readonly audienceParameter?: 'audience' | 'resource' | 'both' | 'none';
  /** The IdP refuses a token request without `audience`. */
  readonly requiresAudience?: boolean;
  /**
   * The IdP refuses token requests without a client secret (OpenShift's CLI client): core stops
   * before any request, with CLIENT_SECRET_MISSING, when none is given.
   */
  readonly requiresClientSecret?: boolean;
  /**
   * How the client must authenticate at the token endpoint, where the IdP insists on one way
   * whatever its metadata says (some accept only client_secret_post, and advertise nothing).
   * Replaces core's choice from `token_endpoint_auth_methods_supported`; every token request
   * uses it, refresh included.
   */
  readonly tokenEndpointAuthMethod?:
    | 'client_secret_basic'
    | 'client_secret_post'
    | 'private_key_jwt'
    | 'none';
  /**
   * The IdP binds this client's tokens to a key or refuses requests without a proof (DPoP,
   * RFC 9449): core logs in as with `dpop: true`, whatever the option says.
   */
  readonly requiresDpop?: boolean;
  /** Fixes the metadata (a missing endpoint, a wrong value). */
  adjustMetadata?(metadata: ServerMetadata): ServerMetadata;
  /** Extra parameters for the authorization (or device authorization) request. */
  authorizationParameters?(context: IdpRequestContext): Record<string, string | string[]>;
  /** Extra parameters for token requests. */
  tokenParameters?(context: IdpRequestContext): Record<string, string | string[]>;
  /**
   * Fixes the device authorization response (RFC 8628 §3.2) before it is checked, for an IdP
   * that departs from the RFC: Google sends `verification_url` instead of `verification_uri`.
   * Gets the parsed JSON body of a successful response; returns the body to use.
   */
  adjustDeviceAuthorizationResponse?(body: Record<string, unknown>): Record<string, unknown>;
}
