import { ErrorCode } from '../errors/codes.js';
import { OidcflowError } from '../errors/oidcflow-error.js';
import { terminalText } from '../errors/terminal-text.js';
import type { ServerMetadata } from '../spec/metadata.js';
import { authorizationServerMetadataUrl, openidConfigurationUrl } from './metadata-urls.js';

export interface EndpointOverrides {
  authorizationEndpoint?: string;
  tokenEndpoint?: string;
  deviceAuthorizationEndpoint?: string;
}

/** OpenID Connect discovery URL, then the RFC 8414 one. */
function discoveryUrls(issuer: string): string[] {
  return [openidConfigurationUrl(issuer), authorizationServerMetadataUrl(issuer)];
}

async function fetchDocument(
  fetch: typeof globalThis.fetch,
  url: string,
  signal?: AbortSignal,
): Promise<{ status: number; document?: unknown; problem?: string }> {
  const response = await fetch(url, {
    headers: { accept: 'application/json' },
    redirect: 'manual',
    ...(signal ? { signal } : {}),
  });
  if (response.status !== 200) {
    await response.body?.cancel();
    return { status: response.status };
  }
  const text = await response.text();
  try {
    return { status: 200, document: JSON.parse(text) };
  } catch {
    const kind = /^\s*</.test(text) ? 'an HTML page' : 'not JSON';
    return { status: 200, problem: kind };
  }
}

/**
 * The metadata names another issuer than the one configured. Issuers are compared exactly
 * (OIDC Discovery §4.3, RFC 8414 §3.3): the ID tokens' `iss` will be the IdP's spelling, so
 * the fix is to configure that spelling, byte for byte.
 */
function issuerMismatch(url: string, advertised: string, configured: string): OidcflowError {
  const slashOnly = advertised.replace(/\/+$/, '') === configured.replace(/\/+$/, '');
  return new OidcflowError(
    ErrorCode.ISSUER_MISMATCH,
    `The IdP at ${terminalText(url)} says its issuer is "${terminalText(advertised)}", but the issuer configured is "${terminalText(configured)}"` +
      `${slashOnly ? ' (they differ only in the trailing slash)' : ''}. Issuers must match exactly. ` +
      `If this is the IdP you mean, set the issuer option to "${terminalText(advertised)}".`,
  );
}

/**
 * Fetches the IdP's metadata: OpenID Connect discovery, else RFC 8414. Refuses a document
 * whose `issuer` is not exactly the issuer asked for (a mix-up or a misconfigured URL).
 */
export async function discoverMetadata(
  issuer: string,
  fetch: typeof globalThis.fetch,
  signal?: AbortSignal,
): Promise<ServerMetadata> {
  const tried: string[] = [];
  for (const url of discoveryUrls(issuer)) {
    const result = await fetchDocument(fetch, url, signal);
    tried.push(`${url} → ${result.problem ?? `HTTP ${result.status}`}`);
    if (result.status === 404 || result.status === 400 || result.status === 405) continue;
    if (result.status !== 200) {
      throw new OidcflowError(
        ErrorCode.DISCOVERY_INVALID,
        `Discovery at ${url} answered HTTP ${result.status}. Check that the issuer URL is right and the IdP is healthy.`,
        { status: result.status },
      );
    }
    if (
      result.problem ||
      typeof result.document !== 'object' ||
      result.document === null ||
      Array.isArray(result.document)
    ) {
      throw new OidcflowError(
        ErrorCode.DISCOVERY_INVALID,
        `Discovery at ${url} returned ${result.problem ?? 'JSON that is not an object'}, not OIDC metadata. ` +
          'Check the issuer URL (it must be the IdP issuer, not a login page or an app URL).',
      );
    }
    const document = result.document as ServerMetadata;
    if (typeof document.issuer !== 'string') {
      throw new OidcflowError(
        ErrorCode.DISCOVERY_INVALID,
        `Discovery at ${url} returned metadata without an issuer.`,
      );
    }
    if (document.issuer !== issuer) throw issuerMismatch(url, document.issuer, issuer);
    return document;
  }
  throw new OidcflowError(
    ErrorCode.DISCOVERY_NOT_FOUND,
    `No discovery document found for issuer ${issuer} (tried ${tried.join('; ')}). ` +
      'Check the issuer URL, or give tokenEndpoint and authorizationEndpoint / deviceAuthorizationEndpoint to log in without discovery.',
  );
}

/** Metadata to use when every endpoint needed was given: no discovery request at all. */
export function synthesizeMetadata(issuer: string, overrides: EndpointOverrides): ServerMetadata {
  return applyOverrides({ issuer }, overrides);
}

/** Endpoint overrides win over discovered values. */
export function applyOverrides(metadata: ServerMetadata, overrides: EndpointOverrides): ServerMetadata {
  const result: ServerMetadata = { ...metadata };
  if (overrides.authorizationEndpoint) result.authorization_endpoint = overrides.authorizationEndpoint;
  if (overrides.tokenEndpoint) result.token_endpoint = overrides.tokenEndpoint;
  if (overrides.deviceAuthorizationEndpoint)
    result.device_authorization_endpoint = overrides.deviceAuthorizationEndpoint;
  return result;
}
