import type { ServerMetadata } from '../spec/metadata.js';
import type { OpenIdSession } from './openid-session.js';

export interface SessionOptions {
  metadata: ServerMetadata;
  clientId: string;
  clientSecret?: string;
  fetch: typeof globalThis.fetch;
  /** http: endpoints were allowed (loopback or the caller's opt-in). */
  allowHttp: boolean;
  timeoutSeconds: number;
}

/**
 * Client authentication for a secret, as the metadata allows: basic (the RFC 6749 default,
 * and oidc-provider's) unless only `client_secret_post` is advertised.
 */
export function secretAuthMethod(metadata: ServerMetadata): 'client_secret_basic' | 'client_secret_post' {
  const supported = metadata.token_endpoint_auth_methods_supported;
  if (supported && !supported.includes('client_secret_basic') && supported.includes('client_secret_post')) {
    return 'client_secret_post';
  }
  return 'client_secret_basic';
}

/** Loads openid-client (never on the cache-hit path) and builds a `Configuration` without discovery. */
export async function createOpenIdSession(options: SessionOptions): Promise<OpenIdSession> {
  const client = await import('openid-client');
  const { clientSecret, metadata } = options;
  const auth = clientSecret
    ? secretAuthMethod(metadata) === 'client_secret_post'
      ? client.ClientSecretPost(clientSecret)
      : client.ClientSecretBasic(clientSecret)
    : client.None();
  const configuration = new client.Configuration(
    metadata as unknown as ConstructorParameters<typeof client.Configuration>[0],
    options.clientId,
    clientSecret ? { client_secret: clientSecret } : undefined,
    auth,
  );
  configuration[client.customFetch] = (url, init) => options.fetch(url, init as RequestInit);
  configuration.timeout = options.timeoutSeconds;
  if (options.allowHttp) client.allowInsecureRequests(configuration);
  return { client, configuration, fetch: options.fetch };
}
