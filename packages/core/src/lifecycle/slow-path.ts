import { detectEnvironment } from '../config/environment.js';
import { DEFAULTS } from '../config/options.js';
import type { HttpClient } from '../http/http-client.js';
import { toOidcflowError } from '../protocol/oauth-errors.js';
import { createProtocolPort } from '../protocol/openid-port.js';
import { Registry } from '../registry/registry.js';
import { type FlowDecision, noFlowAvailable, selectFlow } from '../registry/select-flow.js';
import type { CacheEntry } from '../spec/cache.js';
import type { FlowPlugin, FlowRunContext, FlowSupportContext, LoginSettings } from '../spec/flow.js';
import type { CachedMetadata } from '../spec/metadata.js';
import type { TokenSet } from '../spec/tokens.js';
import { isFresh } from './freshness.js';
import { requestAdjustments, resolveMetadata, runtimeHttp, sessionFor } from './idp-context.js';
import { RefreshRejected, refreshTokens } from './refresh.js';
import type { AuthRuntime } from './runtime.js';

export type ObtainMode = 'normal' | 'force-login';

/** The instance's plugins: the installed first-party packages are looked up once. */
function runtimeRegistry(runtime: AuthRuntime): Promise<Registry> {
  runtime.registry ??= Registry.create(runtime.options.plugins ?? [], runtime.options.loadModule);
  runtime.registry.catch(() => {
    runtime.registry = undefined;
  });
  return runtime.registry;
}

function loginSettings(runtime: AuthRuntime): LoginSettings {
  const o = runtime.options;
  const settings: LoginSettings = {
    forceLogin: o.forceLogin ?? DEFAULTS.forceLogin,
    openBrowser: o.openBrowser ?? DEFAULTS.openBrowser,
    callbackHost: o.callbackHost ?? DEFAULTS.callbackHost,
    callbackPort: o.callbackPort ?? DEFAULTS.callbackPort,
    callbackTimeoutSeconds: o.callbackTimeoutSeconds ?? DEFAULTS.callbackTimeoutSeconds,
    pkce: o.pkce ?? DEFAULTS.pkce,
    allowNonLoopbackCallback: o.allowNonLoopbackCallback ?? false,
  };
  if (o.redirectUri) settings.redirectUri = o.redirectUri;
  return settings;
}

/** What flows are asked `supports()` with: the metadata, the environment, the credentials. */
function supportContext(runtime: AuthRuntime, metadata: CachedMetadata): FlowSupportContext {
  return {
    metadata: metadata.document,
    environment: detectEnvironment(runtime.env, process.platform, Boolean(runtime.ports.output.isTTY)),
    hasClientSecret: Boolean(runtime.clientSecret),
    hasPrivateKey: Boolean(runtime.privateKeyPath),
    requestedFlow: runtime.requestedFlow,
  };
}

async function chooseFlow(runtime: AuthRuntime, support: FlowSupportContext): Promise<FlowPlugin> {
  const registry = await runtimeRegistry(runtime);
  const selection = selectFlow(registry.flows, support, runtime.family);
  if (!selection.chosen) throw noFlowAvailable(selection.decisions);
  return selection.chosen;
}

async function login(
  runtime: AuthRuntime,
  http: HttpClient,
  cachedMetadata: CachedMetadata | undefined,
  forceLogin: boolean,
): Promise<CacheEntry> {
  const now = () => runtime.ports.clock.now();
  const metadata = await resolveMetadata(runtime, http, cachedMetadata, now());
  const support = supportContext(runtime, metadata);
  const plugin = await chooseFlow(runtime, support);
  runtime.logger.debug(`logging in with the ${plugin.name} flow`);
  const session = await sessionFor(runtime, http, metadata.document);
  const settings = loginSettings(runtime);
  if (forceLogin) settings.forceLogin = true;
  const context: FlowRunContext = {
    issuer: runtime.identity.issuer,
    clientId: runtime.identity.clientId,
    clientAuthMethod: session.authMethod,
    scopes: runtime.identity.scopes,
    metadata: metadata.document,
    settings,
    adjustments: requestAdjustments(runtime, metadata.document, plugin.name),
    environment: support.environment,
    protocol: createProtocolPort(session, { scopes: runtime.identity.scopes, flow: plugin.name, now }),
    ports: runtime.ports,
    log: runtime.logger,
  };
  if (runtime.clientSecret) context.clientSecret = runtime.clientSecret;
  if (runtime.identity.audience) context.audience = runtime.identity.audience;
  if (runtime.options.signal) context.signal = runtime.options.signal;
  let tokens: TokenSet;
  try {
    tokens = await plugin.run(context);
  } catch (error) {
    throw toOidcflowError(error, `log in with the ${plugin.name} flow`, plugin.name);
  }
  return { tokens, flow: plugin.name, metadata, savedAt: now() };
}

/**
 * Steps 3 and 4 of the token lifecycle, under the cache lock: re-read (another process may
 * have done the work), refresh with cached metadata in one round trip, else log in.
 */
export async function obtainTokens(runtime: AuthRuntime, mode: ObtainMode): Promise<TokenSet> {
  const { cache, key } = runtime;
  const now = () => runtime.ports.clock.now();
  return cache.withLock(
    key,
    async () => {
      // A forced login ignores the cached tokens but still uses the cached metadata.
      const entry = await cache.get(key);
      const usable = mode === 'force-login' ? undefined : entry;
      if (usable && isFresh(usable, now())) return usable.tokens;
      const http = await runtimeHttp(runtime);
      if (usable?.tokens.refreshToken) {
        try {
          const metadata = await resolveMetadata(runtime, http, usable.metadata, now());
          const session = await sessionFor(runtime, http, metadata.document);
          const adjustments = requestAdjustments(runtime, metadata.document, usable.flow);
          const tokens = await refreshTokens(session, usable.tokens, adjustments.tokenParameters, now);
          await cache.set(key, { tokens, flow: usable.flow, metadata, savedAt: now() });
          runtime.logger.debug('refreshed the access token');
          return tokens;
        } catch (error) {
          if (!(error instanceof RefreshRejected)) throw error;
          runtime.logger.debug('the refresh token was rejected (invalid_grant); logging in again');
          await cache.delete(key);
        }
      }
      const fresh = await login(runtime, http, entry?.metadata, mode === 'force-login');
      await cache.set(key, fresh);
      return fresh.tokens;
    },
    runtime.options.signal ? { signal: runtime.options.signal } : undefined,
  );
}

export interface ExplainReport {
  issuer: string;
  clientId: string;
  scopes: string[];
  audience?: string;
  requestedFlow: string;
  chosen?: string;
  flows: FlowDecision[];
  environment: { browserAvailable: boolean; browserReason: string; interactive: boolean };
  cache: { plugin: string; path?: string };
  metadataSource: 'cache' | 'discovery' | 'overrides';
  /** Set when the requested flow cannot run: the error's code and message. */
  problem?: { code: string; message: string };
}

/** What `obtainTokens` would do for a login, without logging in. */
export async function explain(runtime: AuthRuntime): Promise<ExplainReport> {
  const http = await runtimeHttp(runtime);
  const cached = (await runtime.cache.get(runtime.key))?.metadata;
  const metadata = await resolveMetadata(runtime, http, cached, runtime.ports.clock.now());
  const registry = await runtimeRegistry(runtime);
  const context = supportContext(runtime, metadata);
  const { environment } = context;
  const report: ExplainReport = {
    issuer: runtime.identity.issuer,
    clientId: runtime.identity.clientId,
    scopes: runtime.identity.scopes,
    requestedFlow: runtime.requestedFlow,
    flows: [],
    environment,
    cache: { plugin: runtime.cache.name },
    metadataSource: metadata === cached ? 'cache' : metadata.synthesized ? 'overrides' : 'discovery',
  };
  if (runtime.identity.audience) report.audience = runtime.identity.audience;
  const path = runtime.cache.resolvedCachePath(runtime.key);
  if (path) report.cache.path = path;
  try {
    const selection = selectFlow(registry.flows, context, runtime.family);
    report.flows = selection.decisions;
    if (selection.chosen) report.chosen = selection.chosen.name;
    else {
      const error = noFlowAvailable(selection.decisions);
      report.problem = { code: error.code, message: error.message };
    }
  } catch (error) {
    const failure = error as { code: string; message: string };
    report.problem = { code: failure.code, message: failure.message };
    report.flows = selectFlow(
      registry.flows,
      { ...context, requestedFlow: 'auto' },
      runtime.family,
    ).decisions.map((d) => ({
      ...d,
      chosen: false,
    }));
  }
  return report;
}

/** Drops the cached entry and revokes its tokens where the IdP advertises revocation. */
export async function logout(runtime: AuthRuntime): Promise<{ removed: boolean; revoked: boolean }> {
  const { cache, key } = runtime;
  return cache.withLock(key, async () => {
    const entry = await cache.get(key);
    if (!entry) return { removed: false, revoked: false };
    await cache.delete(key);
    const revocationEndpoint = entry.metadata?.document.revocation_endpoint;
    if (!revocationEndpoint) return { removed: true, revoked: false };
    const http = await runtimeHttp(runtime);
    try {
      const session = await sessionFor(runtime, http, entry.metadata!.document);
      const token = entry.tokens.refreshToken ?? entry.tokens.accessToken;
      const hint = entry.tokens.refreshToken ? 'refresh_token' : 'access_token';
      await session.client.tokenRevocation(session.configuration, token, { token_type_hint: hint });
      return { removed: true, revoked: true };
    } catch (error) {
      runtime.logger.warn(
        `the tokens were removed from the cache, but revoking them at the IdP failed (${(error as Error).message}); they stay valid until they expire.`,
      );
      return { removed: true, revoked: false };
    }
  });
}
