import { ErrorCode } from '../errors/codes.js';
import { OidcflowError } from '../errors/oidcflow-error.js';
import type { ServerAuthInfo, ServerSource } from './server-source.js';

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

/** Reads RFC 9728 protected resource metadata into `ServerAuthInfo`. */
async function fromResourceMetadata(
  source: { resourceUrl?: string; resourceMetadataUrl?: string },
  fetch: typeof globalThis.fetch,
): Promise<ServerAuthInfo> {
  const url = source.resourceMetadataUrl ?? metadataUrlFor(source.resourceUrl as string);
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/json' } });
  } catch (error) {
    throw failed(`${url} cannot be reached`, error);
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
  // RFC 9728 §3.3: the metadata must be about the resource we asked for.
  if (
    source.resourceUrl &&
    typeof document.resource === 'string' &&
    document.resource !== source.resourceUrl
  ) {
    throw failed(`${url} describes resource "${document.resource}", not "${source.resourceUrl}"`);
  }
  const info: ServerAuthInfo = { issuer: servers[0] };
  if (Array.isArray(document.scopes_supported))
    info.scopes = document.scopes_supported.filter((s) => typeof s === 'string');
  if (typeof document.resource === 'string') info.audience = document.resource;
  return info;
}

export async function resolveServerSource(
  source: ServerSource,
  fetch: () => Promise<typeof globalThis.fetch>,
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
  return fromResourceMetadata(source, await fetch());
}
