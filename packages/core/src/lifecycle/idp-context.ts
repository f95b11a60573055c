import type { ResolvedIdentity } from '../config/resolve-identity.js';
import type { Settings } from '../config/settings.js';
import { parseIdpUrl } from '../config/url-policy.js';
import { applyOverrides, discoverMetadata, synthesizeMetadata } from '../discovery/discover.js';
import { ErrorCode } from '../errors/codes.js';
import { OidcflowError } from '../errors/oidcflow-error.js';
import { terminalText } from '../errors/terminal-text.js';
import type { HttpClient } from '../http/http-client.js';
import type { RequestAdjustments } from '../spec/flow.js';
import type { IdpPlugin } from '../spec/idp.js';
import type { CachedMetadata, ServerMetadata } from '../spec/metadata.js';
import { loginRequestParameters } from './login-parameters.js';
import { isMetadataFresh } from './metadata-freshness.js';

const ENDPOINT_FIELDS = [
  'authorization_endpoint',
  'token_endpoint',
  'device_authorization_endpoint',
  'revocation_endpoint',
] as const;

/**
 * What this module reads of a runtime (`AuthRuntime` has it), kept narrow so the runtime can
 * load this module on first use without the two importing each other.
 */
export interface IdpView {
  readonly settings: Settings;
  readonly identity: ResolvedIdentity;
  idps(metadata?: ServerMetadata): IdpPlugin[];
}

/** True when the overrides alone let the runtime's flows run, so discovery can be skipped. */
function overridesSuffice(runtime: IdpView): boolean {
  const { family, requestedFlow, endpoints } = runtime.settings;
  const { tokenEndpoint, authorizationEndpoint, deviceAuthorizationEndpoint } = endpoints;
  if (!tokenEndpoint) return false;
  if (family === 'client') return true;
  if (requestedFlow === 'auth_code') return Boolean(authorizationEndpoint);
  if (requestedFlow === 'device') return Boolean(deviceAuthorizationEndpoint);
  return Boolean(authorizationEndpoint || deviceAuthorizationEndpoint);
}

/** Where the metadata a request uses came from: `explain()` reports it. */
export type MetadataSource = 'cache' | 'discovery' | 'overrides';

/** The metadata a request uses, and where it came from. */
export interface ResolvedMetadata {
  metadata: CachedMetadata;
  source: MetadataSource;
}

/**
 * The IdP's metadata for this runtime: fresh cached metadata, else the overrides alone when
 * they suffice, else discovery. Overrides always win; IdP plugins may fix the result. Says
 * whether the cache, the overrides or discovery supplied it. Asked through
 * `AuthRuntime.metadata`.
 */
export async function resolveMetadata(
  runtime: IdpView,
  http: HttpClient,
  cached: CachedMetadata | undefined,
  now: number,
): Promise<ResolvedMetadata> {
  const { endpoints: overrides, metadataTtlMs, signal, allowInsecureHttp } = runtime.settings;
  let result: CachedMetadata;
  let source: MetadataSource;
  // Compared exactly: metadata is reused only for the issuer it was fetched for, as spelled.
  if (
    cached &&
    isMetadataFresh(cached, now, metadataTtlMs) &&
    cached.document.issuer === runtime.identity.issuer
  ) {
    result = cached;
    source = 'cache';
  } else if (overridesSuffice(runtime)) {
    result = {
      document: synthesizeMetadata(runtime.identity.issuer, overrides),
      fetchedAt: now,
      synthesized: true,
    };
    source = 'overrides';
  } else {
    const document = await discoverMetadata(runtime.identity.issuer, http.fetch, signal);
    result = { document, fetchedAt: now };
    source = 'discovery';
  }
  let document = applyOverrides(result.document, overrides);
  for (const idp of runtime.idps(document)) {
    if (idp.adjustMetadata) document = idp.adjustMetadata(document);
  }
  for (const field of ENDPOINT_FIELDS) {
    const value = document[field];
    if (typeof value === 'string') parseIdpUrl(value, field, allowInsecureHttp);
  }
  return { metadata: { ...result, document }, source };
}

function checkResource(value: string): void {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || url.hash) {
    throw new OidcflowError(
      ErrorCode.CONFIG_INVALID,
      `audience "${terminalText(value)}" is sent as an RFC 8707 resource, which must be an absolute URI without a fragment.`,
    );
  }
}

/** Audience, IdP-plugin and login-request parameters for the authorization and token requests. */
export function requestAdjustments(
  runtime: IdpView,
  metadata: ServerMetadata,
  flow: string,
): RequestAdjustments {
  const adjustments: RequestAdjustments = { authorizationParameters: {}, tokenParameters: {} };
  const idps = runtime.idps(metadata);
  const { audience } = runtime.identity;
  const context = {
    issuer: runtime.identity.issuer,
    clientId: runtime.identity.clientId,
    scopes: runtime.identity.scopes,
    flow,
    ...(audience ? { audience } : {}),
  };
  if (!audience && idps.some((idp) => idp.requiresAudience)) {
    throw new OidcflowError(
      ErrorCode.CONFIG_INVALID,
      `${idps.map((i) => i.name).join(', ')} requires an audience: set the audience option.`,
    );
  }
  if (audience) {
    const style = idps.find((idp) => idp.audienceParameter)?.audienceParameter ?? 'audience';
    const set = (name: string) => {
      adjustments.authorizationParameters[name] = audience;
      adjustments.tokenParameters[name] = audience;
    };
    if (style === 'audience' || style === 'both') set('audience');
    if (style === 'resource' || style === 'both') {
      checkResource(audience);
      set('resource');
    }
  }
  for (const idp of idps) {
    Object.assign(adjustments.authorizationParameters, idp.authorizationParameters?.(context) ?? {});
    Object.assign(adjustments.tokenParameters, idp.tokenParameters?.(context) ?? {});
  }
  // The user's own words about the login come last: they win over an IdP plugin's defaults.
  if (runtime.settings.family === 'user') {
    Object.assign(adjustments.authorizationParameters, loginRequestParameters(runtime.settings.loginRequest));
  }
  return adjustments;
}
