import { clientAuthMethodFor } from '../protocol/client-auth.js';
import { createOpenIdSession } from '../protocol/create-session.js';
import { deviceResponseAdjuster, insistedClientAuth } from '../protocol/idp-hooks.js';
import type { OpenIdSession } from '../protocol/openid-session.js';
import { loadClientPrivateKey } from '../protocol/private-key.js';
import type { IdpPlugin } from '../spec/idp.js';
import type { ServerMetadata } from '../spec/metadata.js';

/** What `openClientSession` needs: the client, its credentials and the IdP plugins that match. */
export interface ClientSessionInput {
  metadata: ServerMetadata;
  clientId: string;
  clientSecret?: string;
  privateKeyPath?: string;
  privateKeyId?: string;
  /** The platform token's reader when it authenticates the client (`workload_assertion`). */
  workloadAssertion?: () => Promise<string>;
  /** For `~` in `privateKeyPath`. */
  home: string;
  idps: IdpPlugin[];
  fetch: typeof globalThis.fetch;
  signal?: AbortSignal;
  timeoutSeconds: number;
}

/**
 * An openid-client session for this client at this IdP: picks the client authentication from
 * the credentials and the metadata (IdP plugins may insist on one), loads the private key when
 * private_key_jwt is chosen. Loaded only off the cache-hit path (`AuthRuntime.openIdSession`).
 */
export async function openClientSession(input: ClientSessionInput): Promise<OpenIdSession> {
  const { metadata, idps } = input;
  const allowHttp = [metadata.issuer, metadata.token_endpoint].some(
    (url) => typeof url === 'string' && url.startsWith('http:'),
  );
  const credentials = {
    hasClientSecret: Boolean(input.clientSecret),
    hasPrivateKey: Boolean(input.privateKeyPath),
    hasWorkloadAssertion: Boolean(input.workloadAssertion),
  };
  const authMethod = clientAuthMethodFor(metadata, credentials, insistedClientAuth(idps, credentials));
  const privateKey =
    authMethod === 'private_key_jwt' && input.privateKeyPath
      ? await loadClientPrivateKey(input.privateKeyPath, input.home, input.privateKeyId)
      : undefined;
  return createOpenIdSession({
    metadata,
    clientId: input.clientId,
    authMethod,
    ...(input.clientSecret ? { clientSecret: input.clientSecret } : {}),
    ...(privateKey ? { privateKey } : {}),
    ...(authMethod === 'workload_assertion' && input.workloadAssertion
      ? { workloadAssertion: input.workloadAssertion }
      : {}),
    fetch: input.fetch,
    ...(input.signal ? { signal: input.signal } : {}),
    allowHttp,
    timeoutSeconds: input.timeoutSeconds,
    ...deviceResponseAdjuster(idps),
  });
}
