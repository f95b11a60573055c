import type { ServerMetadata } from '../spec/metadata.js';

/**
 * The three standard ways to spend a platform token at the IdP:
 * - `client_assertion`: client authentication (RFC 7523 §2.2, `client_assertion_type` jwt-bearer)
 *   in the client credentials grant — Keycloak's federated client authentication, Entra ID's
 *   federated credentials;
 * - `jwt_bearer`: the JWT bearer authorization grant (RFC 7523 §2.1) — Ory Hydra's trust
 *   relationships, Okta, Google;
 * - `token_exchange`: RFC 8693 with the token as `subject_token` — Spring Authorization Server,
 *   Google's STS.
 */
export type IdentityUse = 'client_assertion' | 'jwt_bearer' | 'token_exchange';

const IDENTITY_USES: readonly IdentityUse[] = ['client_assertion', 'jwt_bearer', 'token_exchange'];

export const JWT_BEARER_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
export const TOKEN_EXCHANGE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:token-exchange';
/** RFC 7523 §2.2: a JWT as client authentication. */
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** RFC 8693 §3: any JWT. */
export const JWT_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:jwt';

/** The flow (of @oidcflow/flow-credentials) that spends the token each way. */
export const FLOW_OF_USE: Readonly<Record<IdentityUse, string>> = {
  client_assertion: 'client_credentials',
  jwt_bearer: 'jwt_bearer',
  token_exchange: 'token_exchange',
};

/** The way a flow name stands for, if it is one of the three. */
export function useOfFlow(flow: string): IdentityUse | undefined {
  return IDENTITY_USES.find((use) => FLOW_OF_USE[use] === flow);
}

/** One way and why it was (not) chosen. */
export interface UseDecision {
  use: IdentityUse;
  chosen: boolean;
  reason: string;
}

/**
 * IdPs whose advertised token exchange takes only tokens they issued themselves: Keycloak's
 * standard token exchange (V2, on by default since 26.2) refuses external subject tokens, so
 * its listing says nothing about a platform token. Recognised by its token endpoint's path.
 */
function tokenExchangeIsInternalOnly(metadata: ServerMetadata): boolean {
  return (
    typeof metadata.token_endpoint === 'string' &&
    metadata.token_endpoint.endsWith('/protocol/openid-connect/token')
  );
}

/**
 * How `auto` spends the token, from what the IdP advertises, in this order:
 * 1. `jwt_bearer` when `grant_types_supported` lists RFC 7523's grant (the IdP takes assertions
 *    as grants: Hydra, Okta);
 * 2. `token_exchange` when it lists RFC 8693's, unless that IdP's exchange takes only its own
 *    tokens (Keycloak);
 * 3. `client_assertion` otherwise (Keycloak, Entra ID: the token authenticates the client).
 * A way the caller named is used as named; the others are reported as not asked for.
 */
export function decideUse(metadata: ServerMetadata, requested: IdentityUse | 'auto'): UseDecision[] {
  const grants = metadata.grant_types_supported;
  const authMethods = metadata.token_endpoint_auth_methods_supported;
  const listed = (grant: string) => Boolean(grants?.includes(grant));
  const facts: Record<IdentityUse, { possible: boolean; reason: string }> = {
    jwt_bearer: listed(JWT_BEARER_GRANT_TYPE)
      ? {
          possible: true,
          reason: 'the IdP lists the jwt-bearer grant (RFC 7523 §2.1) in grant_types_supported',
        }
      : { possible: false, reason: 'the IdP does not list the jwt-bearer grant in grant_types_supported' },
    token_exchange: !listed(TOKEN_EXCHANGE_GRANT_TYPE)
      ? {
          possible: false,
          reason: 'the IdP does not list token-exchange (RFC 8693) in grant_types_supported',
        }
      : tokenExchangeIsInternalOnly(metadata)
        ? {
            possible: false,
            reason:
              "the IdP is Keycloak, whose listed token exchange takes only its own tokens (use Keycloak's federated client authentication: client_assertion)",
          }
        : { possible: true, reason: 'the IdP lists token-exchange (RFC 8693) in grant_types_supported' },
    client_assertion:
      authMethods && !authMethods.includes('private_key_jwt')
        ? {
            possible: false,
            reason: `the IdP does not accept JWT client assertions (token_endpoint_auth_methods_supported: ${authMethods.join(', ')})`,
          }
        : {
            possible: true,
            reason:
              'the platform token authenticates the client (client_assertion, RFC 7523 §2.2) in the client credentials grant',
          },
  };
  if (requested !== 'auto') {
    return IDENTITY_USES.map((use) =>
      use === requested
        ? { use, chosen: true, reason: `asked for (${facts[use].reason})` }
        : { use, chosen: false, reason: `not asked for (identityUse is ${requested})` },
    );
  }
  const order: IdentityUse[] = ['jwt_bearer', 'token_exchange', 'client_assertion'];
  // The last resort is tried even when the metadata argues against it: the IdP's answer then says why.
  const chosen = order.find((use) => facts[use].possible) ?? 'client_assertion';
  return IDENTITY_USES.map((use) => ({
    use,
    chosen: use === chosen,
    reason:
      use === chosen || facts[use].possible
        ? use === chosen
          ? facts[use].reason
          : `${facts[use].reason}, but ${chosen} comes first`
        : facts[use].reason,
  }));
}
