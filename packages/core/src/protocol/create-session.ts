import type { ServerMetadata } from '../spec/metadata.js';
import type { ClientAuthMethod } from './client-auth.js';
import { keepOAuthErrorBody } from './error-response-body.js';
import type { OpenIdSession } from './openid-session.js';
import type { ClientPrivateKey } from './private-key.js';

export interface SessionOptions {
  metadata: ServerMetadata;
  clientId: string;
  authMethod: ClientAuthMethod;
  clientSecret?: string;
  privateKey?: ClientPrivateKey;
  fetch: typeof globalThis.fetch;
  /** Cancels every request of the session (openid-client's calls take no signal of their own). */
  signal?: AbortSignal;
  /** http: endpoints were allowed (loopback or the caller's opt-in). */
  allowHttp: boolean;
  timeoutSeconds: number;
}

/** Loads openid-client (never on the cache-hit path) and builds a `Configuration` without discovery. */
export async function createOpenIdSession(options: SessionOptions): Promise<OpenIdSession> {
  const client = await import('openid-client');
  const { clientSecret, metadata } = options;
  const auth =
    options.authMethod === 'private_key_jwt' && options.privateKey
      ? client.PrivateKeyJwt(options.privateKey)
      : options.authMethod === 'client_secret_post' && clientSecret
        ? client.ClientSecretPost(clientSecret)
        : options.authMethod === 'client_secret_basic' && clientSecret
          ? client.ClientSecretBasic(clientSecret)
          : client.None();
  const configuration = new client.Configuration(
    metadata as unknown as ConstructorParameters<typeof client.Configuration>[0],
    options.clientId,
    clientSecret ? { client_secret: clientSecret } : undefined,
    auth,
  );
  const { signal } = options;
  configuration[client.customFetch] = async (url, init) => {
    const request = init as RequestInit;
    const signals = [request.signal, signal].filter((s): s is AbortSignal => Boolean(s));
    const response = await options.fetch(
      url,
      signal ? { ...request, signal: AbortSignal.any(signals) } : request,
    );
    // openid-client reads OAuth errors from 4xx JSON only; an IdP's 5xx JSON error is kept too.
    return keepOAuthErrorBody(response);
  };
  configuration.timeout = options.timeoutSeconds;
  if (options.allowHttp) client.allowInsecureRequests(configuration);
  return { client, configuration, fetch: options.fetch, authMethod: options.authMethod };
}
