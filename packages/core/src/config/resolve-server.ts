import { ErrorCode } from '../errors/codes.js';
import { OidcflowError } from '../errors/oidcflow-error.js';
import type { ServerAuthInfo, ServerSource } from './server-source.js';
import { parseIdpUrl } from './url-policy.js';

/** How the resource metadata may be fetched: the same URL rule as issuers. */
export interface ResourceMetadataPolicy {
  /** Accept `http:` off loopback (the caller's `allowInsecureHttp`). @default false */
  allowInsecureHttp?: boolean;
}

function failed(what: string, cause?: unknown): OidcflowError {
  return new OidcflowError(
    ErrorCode.SERVER_SOURCE_FAILED,
    `Could not get login settings from the server: ${what}. Give issuer and clientId explicitly, or fix the server source.`,
    cause === undefined ? {} : { cause },
  );
}

function metadataUrlFor(resourceUrl: string): string {
  const url = new URL(resourceUrl);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/+$/, '');
  return `${url.origin}/.well-known/oauth-protected-resource${path}`;
}

/**
 * Reads RFC 9728 protected resource metadata into `ServerAuthInfo`. The document names the
 * issuer (and so where the client secret is sent), so it gets the issuer's URL rule (https,
 * or http on loopback or with the opt-in), is never taken from a redirect, and must carry a
 * `resource` identical to the one asked for (RFC 9728 §3.3). The HTTP client's deadline and
 * size cap apply as to every IdP request.
 */
async function fromResourceMetadata(
  source: { resourceUrl?: string; resourceMetadataUrl?: string },
  fetch: typeof globalThis.fetch,
  policy: ResourceMetadataPolicy,
): Promise<ServerAuthInfo> {
  const allowInsecure = policy.allowInsecureHttp ?? false;
  if (source.resourceUrl) parseIdpUrl(source.resourceUrl, 'server.resourceUrl', allowInsecure);
  const url = source.resourceMetadataUrl ?? metadataUrlFor(source.resourceUrl as string);
  parseIdpUrl(url, 'the resource metadata URL', allowInsecure);
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/json' }, redirect: 'manual' });
  } catch (error) {
    if (OidcflowError.isInstance(error) && error.code === ErrorCode.IDP_RESPONSE_TOO_LARGE) throw error;
    throw failed(`${url} cannot be reached`, error);
  }
  if (response.status >= 300 && response.status < 400) {
    await response.body?.cancel();
    throw failed(
      `${url} answered with a redirect (HTTP ${response.status}), which is not followed for resource metadata (RFC 9728 §3.3); give the final URL`,
    );
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    throw failed(`${url} answered HTTP ${response.status}`);
  }
  let document: Record<string, unknown>;
  try {
    document = (await response.json()) as Record<string, unknown>;
  } catch (error) {
    throw failed(`${url} did not return JSON`, error);
  }
  const servers = document.authorization_servers;
  if (!Array.isArray(servers) || typeof servers[0] !== 'string') {
    throw failed(`${url} lists no authorization_servers`);
  }
  // RFC 9728 §3.3: a document without `resource`, or about another resource, MUST NOT be used.
  if (typeof document.resource !== 'string' || document.resource === '') {
    throw failed(`${url} has no "resource" member, so it cannot be about the resource asked for`);
  }
  if (source.resourceUrl && document.resource !== source.resourceUrl) {
    throw failed(`${url} describes resource "${document.resource}", not "${source.resourceUrl}"`);
  }
  const info: ServerAuthInfo = { issuer: servers[0] };
  if (Array.isArray(document.scopes_supported))
    info.scopes = document.scopes_supported.filter((s) => typeof s === 'string');
  info.audience = document.resource;
  return info;
}

export async function resolveServerSource(
  source: ServerSource,
  fetch: () => Promise<typeof globalThis.fetch>,
  policy: ResourceMetadataPolicy = {},
): Promise<ServerAuthInfo> {
  if (typeof source === 'function') {
    let info: ServerAuthInfo;
    try {
      info = await source();
    } catch (error) {
      throw failed(`the server function threw (${(error as Error)?.message ?? String(error)})`, error);
    }
    if (typeof info !== 'object' || info === null) throw failed('the server function returned nothing');
    return info;
  }
  return fromResourceMetadata(source, await fetch(), policy);
}
