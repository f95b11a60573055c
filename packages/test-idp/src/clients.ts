import type { JsonWebKey } from 'node:crypto';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';

export const NATIVE_CLIENT_ID = 'oidcflow-native';
export const DEVICE_CLIENT_ID = 'oidcflow-device';
export const CONFIDENTIAL_WEB_CLIENT_ID = 'oidcflow-confidential-web';
export const CI_CLIENT_ID = 'oidcflow-ci';
export const CI_POST_CLIENT_ID = 'oidcflow-ci-post';
export const CI_JWT_CLIENT_ID = 'oidcflow-ci-jwt';
/** The public client of the workload grants (token exchange, JWT bearer); see `TestIdpClients.ciWorkload`. */
export const CI_WORKLOAD_CLIENT_ID = 'oidcflow-ci-workload';
/** The client authenticated by the workload issuer's keys; see `TestIdpClients.ciFederated`. */
export const CI_FEDERATED_CLIENT_ID = 'oidcflow-ci-federated';

/** The redirect URI registered for the code-flow clients; any loopback port is accepted. */
export const LOOPBACK_REDIRECT_URI = 'http://127.0.0.1/callback';

/** The private key a `private_key_jwt` client signs its assertions with. */
export interface ClientSigningKey {
  kid: string;
  alg: 'ES256';
  privateKeyPem: string;
  privateJwk: JsonWebKey;
  publicJwk: JsonWebKey;
}

/** The demo clients registered at the test IdP. Secrets and keys are generated at start. */
export interface TestIdpClients {
  /** Public native client: authorization code + PKCE (S256, required) + refresh token. */
  native: { clientId: string; redirectUri: string };
  /** Public native client: device authorization grant + refresh token. */
  device: { clientId: string };
  /** Confidential client (client_secret_basic): authorization code + refresh token, PKCE optional. */
  confidentialWeb: { clientId: string; clientSecret: string; redirectUri: string };
  /** Client credentials with client_secret_basic. */
  ci: { clientId: string; clientSecret: string; tokenEndpointAuthMethod: 'client_secret_basic' };
  /** Client credentials with client_secret_post. */
  ciPost: { clientId: string; clientSecret: string; tokenEndpointAuthMethod: 'client_secret_post' };
  /** Client credentials with private_key_jwt. */
  ciJwt: { clientId: string; tokenEndpointAuthMethod: 'private_key_jwt'; signingKey: ClientSigningKey };
  /**
   * Public client (no secret) for the token exchange and JWT bearer grants with a workload
   * token; registered only when `startTestIdp` is given a `workloadIssuer`.
   */
  ciWorkload: { clientId: string };
  /**
   * Client credentials with private_key_jwt whose keys are the workload issuer's (its
   * assertions must still have `iss` = `sub` = the client id); only with a `workloadIssuer`.
   */
  ciFederated: { clientId: string };
}

export function generateClients(): TestIdpClients {
  return {
    native: { clientId: NATIVE_CLIENT_ID, redirectUri: LOOPBACK_REDIRECT_URI },
    device: { clientId: DEVICE_CLIENT_ID },
    confidentialWeb: {
      clientId: CONFIDENTIAL_WEB_CLIENT_ID,
      clientSecret: generateSecret(),
      redirectUri: LOOPBACK_REDIRECT_URI,
    },
    ci: {
      clientId: CI_CLIENT_ID,
      clientSecret: generateSecret(),
      tokenEndpointAuthMethod: 'client_secret_basic',
    },
    ciPost: {
      clientId: CI_POST_CLIENT_ID,
      clientSecret: generateSecret(),
      tokenEndpointAuthMethod: 'client_secret_post',
    },
    ciJwt: {
      clientId: CI_JWT_CLIENT_ID,
      tokenEndpointAuthMethod: 'private_key_jwt',
      signingKey: generateSigningKey(),
    },
    ciWorkload: { clientId: CI_WORKLOAD_CLIENT_ID },
    ciFederated: { clientId: CI_FEDERATED_CLIENT_ID },
  };
}

/** Client metadata in the form oidc-provider's `clients` configuration expects. */
export function clientMetadata(
  clients: TestIdpClients,
  /** The workload issuer's keys and the grants registered for it, when there is one. */
  workload?: { jwks: { keys: readonly object[] }; grantTypes: readonly string[] },
): Record<string, unknown>[] {
  const native = { application_type: 'native', id_token_signed_response_alg: 'RS256' };
  return [
    {
      ...native,
      client_id: clients.native.clientId,
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [clients.native.redirectUri],
    },
    {
      ...native,
      client_id: clients.device.clientId,
      token_endpoint_auth_method: 'none',
      grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
      response_types: [],
      redirect_uris: [],
    },
    {
      // Native so that any loopback port is accepted, like the public client.
      ...native,
      client_id: clients.confidentialWeb.clientId,
      client_secret: clients.confidentialWeb.clientSecret,
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [clients.confidentialWeb.redirectUri],
    },
    ...[clients.ci, clients.ciPost].map((client) => ({
      client_id: client.clientId,
      client_secret: client.clientSecret,
      token_endpoint_auth_method: client.tokenEndpointAuthMethod,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
    })),
    {
      client_id: clients.ciJwt.clientId,
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: clients.ciJwt.signingKey.alg,
      jwks: { keys: [clients.ciJwt.signingKey.publicJwk] },
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
    },
    ...(workload ? workloadClients(clients, workload) : []),
  ];
}

function workloadClients(
  clients: TestIdpClients,
  workload: { jwks: { keys: readonly object[] }; grantTypes: readonly string[] },
): Record<string, unknown>[] {
  return [
    {
      client_id: clients.ciWorkload.clientId,
      token_endpoint_auth_method: 'none',
      grant_types: [...workload.grantTypes],
      response_types: [],
      redirect_uris: [],
    },
    {
      client_id: clients.ciFederated.clientId,
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [...workload.jwks.keys] },
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
    },
  ];
}

function generateSecret(): string {
  return `test-secret-${randomBytes(24).toString('base64url')}`;
}

function generateSigningKey(): ClientSigningKey {
  const kid = `test-key-${randomUUID()}`;
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const alg = 'ES256' as const;
  return {
    kid,
    alg,
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    privateJwk: { ...privateKey.export({ format: 'jwk' }), kid, alg, use: 'sig' } as JsonWebKey,
    publicJwk: { ...publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' } as JsonWebKey,
  };
}
