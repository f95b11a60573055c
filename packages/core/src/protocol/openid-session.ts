import type * as OpenIdClient from 'openid-client';
import type { ClientAuthMethod } from './client-auth.js';

/**
 * openid-client as core loaded it, with a `Configuration` for the IdP and client that
 * already carries oidcflow's HTTP client (CA bundle, proxy, timeouts). Flows use these
 * instead of importing openid-client themselves, so that one copy does every request.
 */
export interface OpenIdSession {
  client: typeof OpenIdClient;
  configuration: OpenIdClient.Configuration;
  /** The fetch every IdP request goes through (for requests openid-client does not make). */
  fetch: typeof globalThis.fetch;
  /** How `configuration` authenticates the client at the token endpoint. */
  authMethod: ClientAuthMethod;
}

export type { OpenIdClient };

/** openid-client's DPoP handle: signs a proof per request and keeps the IdP's nonce. */
export type DPoPHandle = OpenIdClient.DPoPHandle;
