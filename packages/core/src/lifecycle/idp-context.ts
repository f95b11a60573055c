import { DEFAULTS } from '../config/options.js';
import { parseIdpUrl } from '../config/url-policy.js';
import { applyOverrides, discoverMetadata, synthesizeMetadata } from '../discovery/discover.js';
import { ErrorCode } from '../errors/codes.js';
import { OidcflowError } from '../errors/oidcflow-error.js';
import { createHttpClient, type HttpClient } from '../http/http-client.js';
import { clientAuthMethodFor } from '../protocol/client-auth.js';
import { createOpenIdSession } from '../protocol/create-session.js';
import { deviceResponseAdjuster, insistedClientAuth } from '../protocol/idp-hooks.js';
import type { OpenIdSession } from '../protocol/openid-session.js';
import { loadClientPrivateKey } from '../protocol/private-key.js';
import { idpPluginsOf } from '../registry/validate-plugin.js';
import type { RequestAdjustments } from '../spec/flow.js';
import type { IdpPlugin } from '../spec/idp.js';
import type { CachedMetadata, ServerMetadata } from '../spec/metadata.js';
import type { AuthRuntime } from './runtime.js';

const ENDPOINT_FIELDS = [
  'authorization_endpoint',
  'token_endpoint',
  'device_authorization_endpoint',
  'revocation_endpoint',
] as const;

/** True when the overrides alone let the runtime's flows run, so discovery can be skipped. */
function overridesSuffice(runtime: AuthRuntime): boolean {
  const { tokenEndpoint, authorizationEndpoint, deviceAuthorizationEndpoint } = runtime.options;
  if (!tokenEndpoint) return false;
  if (runtime.family === 'client') return true;
  if (runtime.requestedFlow === 'auth_code') return Boolean(authorizationEndpoint);
  if (runtime.requestedFlow === 'device') return Boolean(deviceAuthorizationEndpoint);
  return Boolean(authorizationEndpoint || deviceAuthorizationEndpoint);
}

/** The runtime's HTTP client: made once, then reused by every request of the instance. */
export function runtimeHttp(runtime: AuthRuntime): Promise<HttpClient> {
  const options = runtime.options;
  runtime.http ??= createHttpClient({
    ...(options.caCertPath ? { caCertPath: options.caCertPath } : {}),
    timeoutSeconds: options.httpTimeoutSeconds ?? DEFAULTS.httpTimeoutSeconds,
    ...(options.maxResponseBytes ? { maxResponseBytes: options.maxResponseBytes } : {}),
    env: runtime.env,
    home: runtime.home,
  });
  // A bad caCertPath is reported now and tried again next time.
  runtime.http.catch(() => {
    runtime.http = undefined;
  });
  return runtime.http;
}

/** Where the metadata a request uses came from: `explain()` reports it. */
export type MetadataSource = 'cache' | 'discovery' | 'overrides';

/**
 * The IdP's metadata for this runtime: fresh cached metadata, else the overrides alone when
 * they suffice, else discovery. Overrides always win; IdP plugins may fix the result.
 */
export async function resolveMetadata(
  runtime: AuthRuntime,
  http: HttpClient,
  cached: CachedMetadata | undefined,
  now: number,
): Promise<CachedMetadata> {
  return (await resolveMetadataWithSource(runtime, http, cached, now)).metadata;
}

/** `resolveMetadata`, also saying whether the cache, the overrides or discovery supplied it. */
export async function resolveMetadataWithSource(
  runtime: AuthRuntime,
  http: HttpClient,
  cached: CachedMetadata | undefined,
  now: number,
): Promise<{ metadata: CachedMetadata; source: MetadataSource }> {
  const ttl = (runtime.options.metadataTtlSeconds ?? DEFAULTS.metadataTtlSeconds) * 1000;
  const overrides = runtime.options;
  let result: CachedMetadata;
  let source: MetadataSource;
  // Compared exactly: metadata is reused only for the issuer it was fetched for, as spelled.
  if (cached && now - cached.fetchedAt < ttl && cached.document.issuer === runtime.identity.issuer) {
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
    const document = await discoverMetadata(runtime.identity.issuer, http.fetch, runtime.options.signal);
    result = { document, fetchedAt: now };
    source = 'discovery';
  }
  let document = applyOverrides(result.document, overrides);
  for (const idp of matchingIdps(runtime, document)) {
    if (idp.adjustMetadata) document = idp.adjustMetadata(document);
  }
  const allowInsecure = runtime.options.allowInsecureHttp ?? false;
  for (const field of ENDPOINT_FIELDS) {
    const value = document[field];
    if (typeof value === 'string') parseIdpUrl(value, field, allowInsecure);
  }
  return { metadata: { ...result, document }, source };
}

export function matchingIdps(runtime: AuthRuntime, metadata?: ServerMetadata): IdpPlugin[] {
  const idps = idpPluginsOf(runtime.options.plugins);
  return idps.filter((idp) =>
    idp.matches({ issuer: runtime.identity.issuer, ...(metadata ? { metadata } : {}) }),
  );
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
      `audience "${value}" is sent as an RFC 8707 resource, which must be an absolute URI without a fragment.`,
    );
  }
}

/** Audience and IdP-plugin parameters for the authorization and token requests. */
export function requestAdjustments(
  runtime: AuthRuntime,
  metadata: ServerMetadata,
  flow: string,
): RequestAdjustments {
  const adjustments: RequestAdjustments = { authorizationParameters: {}, tokenParameters: {} };
  const idps = matchingIdps(runtime, metadata);
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
  return adjustments;
}

/** The openid-client session for `metadata`, reused while the metadata stays the same. */
export function sessionFor(
  runtime: AuthRuntime,
  http: HttpClient,
  metadata: ServerMetadata,
): Promise<OpenIdSession> {
  const metadataJson = JSON.stringify(metadata);
  if (runtime.session?.metadataJson !== metadataJson) {
    const session = createSession(runtime, http, metadata);
    session.catch(() => {
      if (runtime.session?.session === session) runtime.session = undefined;
    });
    runtime.session = { metadataJson, session };
  }
  return runtime.session.session;
}

async function createSession(
  runtime: AuthRuntime,
  http: HttpClient,
  metadata: ServerMetadata,
): Promise<OpenIdSession> {
  const allowHttp = [metadata.issuer, metadata.token_endpoint].some(
    (url) => typeof url === 'string' && url.startsWith('http:'),
  );
  const credentials = {
    hasClientSecret: Boolean(runtime.clientSecret),
    hasPrivateKey: Boolean(runtime.privateKeyPath),
  };
  const idps = matchingIdps(runtime, metadata);
  const authMethod = clientAuthMethodFor(metadata, credentials, insistedClientAuth(idps, credentials));
  const privateKey =
    authMethod === 'private_key_jwt' && runtime.privateKeyPath
      ? await loadClientPrivateKey(runtime.privateKeyPath, runtime.home, runtime.options.privateKeyId)
      : undefined;
  return createOpenIdSession({
    metadata,
    clientId: runtime.identity.clientId,
    authMethod,
    ...(runtime.clientSecret ? { clientSecret: runtime.clientSecret } : {}),
    ...(privateKey ? { privateKey } : {}),
    fetch: http.fetch,
    ...(runtime.options.signal ? { signal: runtime.options.signal } : {}),
    allowHttp,
    timeoutSeconds: runtime.options.httpTimeoutSeconds ?? DEFAULTS.httpTimeoutSeconds,
    ...deviceResponseAdjuster(idps),
  });
}
