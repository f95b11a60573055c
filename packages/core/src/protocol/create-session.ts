import type { ServerMetadata } from '../spec/metadata.js';
import type { ClientAuthMethod } from './client-auth.js';
import { keepOAuthErrorBody } from './error-response-body.js';
import { contentTypeOf, isJsonMediaType, parseJsonObject } from './http-answer.js';
import type { OpenIdSession } from './openid-session.js';
import type { ClientPrivateKey } from './private-key.js';

export interface SessionOptions {
  metadata: ServerMetadata;
  clientId: string;
  authMethod: ClientAuthMethod;
  clientSecret?: string;
  privateKey?: ClientPrivateKey;
  /** Reads the platform token for `workload_assertion`, fresh for each request. */
  workloadAssertion?: () => Promise<string>;
  fetch: typeof globalThis.fetch;
  /** Cancels every request of the session (openid-client's calls take no signal of their own). */
  signal?: AbortSignal;
  /** http: endpoints were allowed (loopback or the caller's opt-in). */
  allowHttp: boolean;
  timeoutSeconds: number;
  /**
   * IdP plugins' fix-ups of the device authorization response, applied to its JSON body before
   * openid-client checks it (Google's `verification_url`).
   */
  adjustDeviceAuthorizationResponse?: (body: Record<string, unknown>) => Record<string, unknown>;
}

function comparableUrl(url: string | undefined): string | undefined {
  try {
    return url ? new URL(url).href : undefined;
  } catch {
    return undefined;
  }
}

/** A successful JSON answer of the device authorization endpoint, with `adjust` applied to its body. */
async function adjustedDeviceResponse(
  response: Response,
  adjust: (body: Record<string, unknown>) => Record<string, unknown>,
): Promise<Response> {
  if (!response.ok || !isJsonMediaType(contentTypeOf(response))) return response;
  const text = await response.text();
  const body = parseJsonObject(text);
  if (!body) return new Response(text, { status: response.status, headers: response.headers });
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  headers.delete('content-encoding');
  return new Response(JSON.stringify(adjust(body)), {
    status: response.status,
    headers,
  });
}

/** RFC 7523 §2.2: a JWT as client authentication. */
const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * openid-client's client authentication hook with a JWT made elsewhere (the platform's): the
 * token is read for each request, so a rotated one is used on the next grant. oauth4webapi
 * awaits the hook, though openid-client's type says `void`.
 */
function assertionAuth(
  read: () => Promise<string>,
): (server: unknown, client: { client_id: string }, body: URLSearchParams) => Promise<void> {
  return async (_server, client, body) => {
    body.set('client_id', client.client_id);
    body.set('client_assertion_type', JWT_BEARER_ASSERTION_TYPE);
    body.set('client_assertion', await read());
  };
}

/** Loads openid-client (never on the cache-hit path) and builds a `Configuration` without discovery. */
export async function createOpenIdSession(options: SessionOptions): Promise<OpenIdSession> {
  const client = await import('openid-client');
  const { clientSecret, metadata } = options;
  const { workloadAssertion } = options;
  const auth =
    options.authMethod === 'workload_assertion' && workloadAssertion
      ? assertionAuth(workloadAssertion)
      : options.authMethod === 'private_key_jwt' && options.privateKey
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
  const { signal, adjustDeviceAuthorizationResponse: adjustDevice } = options;
  const deviceEndpoint = comparableUrl(metadata.device_authorization_endpoint);
  const send = (url: string, request: RequestInit) => {
    if (!signal) return options.fetch(url, request);
    const signals = request.signal ? [request.signal, signal] : [signal];
    return options.fetch(url, { ...request, signal: AbortSignal.any(signals) });
  };
  configuration[client.customFetch] = async (url, init) => {
    // openid-client reads OAuth errors from 4xx JSON only; an IdP's 5xx JSON error is kept too.
    const response = await keepOAuthErrorBody(await send(url, init as RequestInit));
    return adjustDevice && deviceEndpoint && comparableUrl(url) === deviceEndpoint
      ? adjustedDeviceResponse(response, adjustDevice)
      : response;
  };
  configuration.timeout = options.timeoutSeconds;
  if (options.allowHttp) client.allowInsecureRequests(configuration);
  return { client, configuration, fetch: options.fetch, authMethod: options.authMethod };
}
