import { ErrorCode } from '../errors/codes.js';
import { OidcflowError } from '../errors/oidcflow-error.js';
import { terminalText } from '../errors/terminal-text.js';
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

/** Where RFC 9728 §3.1 puts a resource's metadata: this suffix between the host and the path. */
const WELL_KNOWN_PATH = '/.well-known/oauth-protected-resource';

function metadataUrlFor(resourceUrl: string): string {
  const url = new URL(resourceUrl);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/+$/, '');
  return `${url.origin}${WELL_KNOWN_PATH}${path}`;
}

/**
 * The resource a metadata URL is about by RFC 9728 §3.1, read backwards:
 * `https://api.example/.well-known/oauth-protected-resource/v1` → `https://api.example/v1`.
 * Undefined for a URL at no well-known place: nothing then says which resource it describes.
 */
function resourceNamedBy(metadataUrl: URL): string | undefined {
  const path = metadataUrl.pathname;
  if (path !== WELL_KNOWN_PATH && !path.startsWith(`${WELL_KNOWN_PATH}/`)) return undefined;
  return `${metadataUrl.origin}${path.slice(WELL_KNOWN_PATH.length)}${metadataUrl.search}`;
}

/**
 * Whether the document's `resource` is the one expected (RFC 9728 §3.3: identical). A resource
 * at the root is spelled with or without its slash (`https://api.example/`), and §3.1 drops that
 * slash from the metadata URL, so a root derived from it accepts both.
 */
function isExpectedResource(resource: string, expected: { resource: string; derived: boolean }): boolean {
  if (resource === expected.resource) return true;
  const root = expected.resource === new URL(expected.resource).origin;
  return expected.derived && root && resource === `${expected.resource}/`;
}

/**
 * Reads RFC 9728 protected resource metadata into `ServerAuthInfo`. The document names the
 * issuer (and so where the client secret is sent), so it gets the issuer's URL rule (https,
 * or http on loopback or with the opt-in), is never taken from a redirect, and must carry a
 * `resource` identical to the one asked for (RFC 9728 §3.3): `resourceUrl` when given, else the
 * resource the metadata URL's well-known form names (§3.1). A metadata URL at no well-known
 * place without `resourceUrl` is refused before any request. The HTTP client's deadline and
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
  const derived = resourceNamedBy(parseIdpUrl(url, 'the resource metadata URL', allowInsecure));
  const expected = source.resourceUrl
    ? { resource: source.resourceUrl, derived: false }
    : derived === undefined
      ? undefined
      : { resource: derived, derived: true };
  if (!expected) {
    throw new OidcflowError(
      ErrorCode.CONFIG_INVALID,
      `The resource metadata URL ${terminalText(url)} is not at a well-known place (…${WELL_KNOWN_PATH}…, RFC 9728 §3.1), so nothing says which resource its document must describe. ` +
        'Give resourceUrl as well (the URL of the resource you call), or the well-known metadata URL of that resource.',
    );
  }
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/json' }, redirect: 'manual' });
  } catch (error) {
    if (OidcflowError.isInstance(error) && error.code === ErrorCode.IDP_RESPONSE_TOO_LARGE) throw error;
    throw failed(`${terminalText(url)} cannot be reached`, error);
  }
  if (response.status >= 300 && response.status < 400) {
    await response.body?.cancel();
    throw failed(
      `${terminalText(url)} answered with a redirect (HTTP ${response.status}), which is not followed for resource metadata (RFC 9728 §3.3); give the final URL`,
    );
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    throw failed(`${terminalText(url)} answered HTTP ${response.status}`);
  }
  let document: Record<string, unknown>;
  try {
    document = (await response.json()) as Record<string, unknown>;
  } catch (error) {
    throw failed(`${terminalText(url)} did not return JSON`, error);
  }
  const servers = document.authorization_servers;
  if (!Array.isArray(servers) || typeof servers[0] !== 'string') {
    throw failed(`${terminalText(url)} lists no authorization_servers`);
  }
  // RFC 9728 §3.3: a document without `resource`, or about another resource, MUST NOT be used.
  if (typeof document.resource !== 'string' || document.resource === '') {
    throw failed(
      `${terminalText(url)} has no "resource" member, so it cannot be about the resource asked for`,
    );
  }
  if (!isExpectedResource(document.resource, expected)) {
    const why = expected.derived ? 'the resource its URL names' : 'resourceUrl';
    throw new OidcflowError(
      ErrorCode.SERVER_SOURCE_FAILED,
      `Could not get login settings from the server: ${terminalText(url)} describes resource "${terminalText(document.resource)}", not "${terminalText(expected.resource)}" (${why}). ` +
        'A document about another resource must not choose where the client authenticates (RFC 9728 §3.3), so nothing was sent to the authorization server it names. ' +
        'Check that the URL belongs to the resource you call; to check the document against another resource, give that resource as resourceUrl.',
    );
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
      throw failed(
        `the server function threw (${terminalText(String((error as Error)?.message ?? error))})`,
        error,
      );
    }
    if (typeof info !== 'object' || info === null) throw failed('the server function returned nothing');
    return info;
  }
  return fromResourceMetadata(source, await fetch(), policy);
}
