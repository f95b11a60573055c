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
  /** The IdP refuses the code exchange without a client secret (OpenShift). */
  readonly requiresClientSecret?: boolean;
  /** Fixes the metadata (a missing endpoint, a wrong value). */
  adjustMetadata?(metadata: ServerMetadata): ServerMetadata;
  /** Extra parameters for the authorization (or device authorization) request. */
  authorizationParameters?(context: IdpRequestContext): Record<string, string | string[]>;
  /** Extra parameters for token requests. */
  tokenParameters?(context: IdpRequestContext): Record<string, string | string[]>;
}
