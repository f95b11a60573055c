import { createPublicKey, type JsonWebKey } from 'node:crypto';
import {
  type WorkloadIdentitySupport,
  type WorkloadPlatform,
  withCiIssuer,
} from '@oidcflow/conformance/targets';
import type { CiIdentityIssuer } from '@oidcflow/test-idp';
import type { KeycloakAdmin } from './admin-api.js';
import { REALM_NAME } from './version.js';

/**
 * The identity provider alias the realm's workload clients name (`jwt.credential.issuer` in
 * conformance/keycloak/oidcflow-realm.json).
 */
export const CI_IDENTITY_PROVIDER_ALIAS = 'oidcflow-ci';

/** The realm's clients authenticated by "Signed JWT - Federated", each bound to one workload. */
export const WORKLOAD_CLIENTS: Readonly<Record<WorkloadPlatform, string>> = {
  github: 'oidcflow-workload-github',
  gitlab: 'oidcflow-workload-gitlab',
  kubernetes: 'oidcflow-workload-kubernetes',
};

/**
 * How Keycloak gets the CI issuer's keys: from its JWKS URL (the local distribution reaches
 * 127.0.0.1), or given inline as the "validating public key" (a container cannot reach the
 * host's loopback, where the CI issuer listens).
 */
export type CiIssuerKeys = 'jwks-url' | 'inline';

/**
 * Starts a CI identity issuer and registers it in the realm as an OpenID Connect identity
 * provider that vouches for clients (Keycloak 26.6+ federated client authentication): its
 * issuer, its keys, "supports client assertions". The realm's workload clients name it and
 * their platform subject; a platform token is then the client's whole credential, sent as
 * `client_assertion` with the realm's issuer URL as its only `aud`. Reuse of one token is
 * allowed, as a pod reuses its projected token until the kubelet rotates it.
 */
export function trustCiIssuer(
  admin: KeycloakAdmin,
  baseUrl: string,
  keys: CiIssuerKeys,
): Promise<WorkloadIdentitySupport> {
  return withCiIssuer(async (ciIssuer) => {
    await admin.saveIdentityProvider({
      alias: CI_IDENTITY_PROVIDER_ALIAS,
      displayName: 'oidcflow CI identity issuer (GitHub, GitLab, Kubernetes shaped tokens)',
      providerId: 'oidc',
      enabled: true,
      config: {
        issuer: ciIssuer.issuer,
        validateSignature: 'true',
        ...issuerKeys(ciIssuer, keys),
        supportsClientAssertions: 'true',
        supportsClientAssertionReuse: 'true',
        // Required by the form of an OIDC provider, never used: nobody logs in through it.
        clientId: 'oidcflow-unused',
        clientAuthMethod: 'client_secret_post',
        clientSecret: 'oidcflow-unused',
        authorizationUrl: `${ciIssuer.issuer}/unused/authorize`,
        tokenUrl: `${ciIssuer.issuer}/unused/token`,
      },
    });
    const clients = {
      github: { clientId: WORKLOAD_CLIENTS.github, scopes: [] },
      gitlab: { clientId: WORKLOAD_CLIENTS.gitlab, scopes: [] },
      kubernetes: { clientId: WORKLOAD_CLIENTS.kubernetes, scopes: [] },
    };
    return {
      ciIssuer,
      way: 'client_assertion',
      audience: `${baseUrl}/realms/${REALM_NAME}`,
      clients,
      identity: { claim: 'client_id', values: WORKLOAD_CLIENTS },
      unavailable: {
        'narrower-audience':
          "the realm enables no token exchange: Keycloak's standard token exchange takes requests from confidential clients, and the user client oidcflow-cli is public",
      },
    } satisfies WorkloadIdentitySupport;
  });
}

function issuerKeys(ciIssuer: CiIdentityIssuer, keys: CiIssuerKeys): Record<string, string> {
  if (keys === 'jwks-url') return { useJwksUrl: 'true', jwksUrl: ciIssuer.jwksUri };
  const [key] = ciIssuer.jwks.keys;
  if (!key?.kid) throw new Error('the CI identity issuer serves no signing key with a kid');
  const pem = createPublicKey({ key: key as JsonWebKey, format: 'jwk' }).export({
    type: 'spki',
    format: 'pem',
  });
  return {
    useJwksUrl: 'false',
    publicKeySignatureVerifier: String(pem),
    publicKeySignatureVerifierKeyId: key.kid,
  };
}
