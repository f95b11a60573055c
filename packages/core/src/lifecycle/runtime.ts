import { cacheKeyFor } from '../cache/cache-key.js';
import { frozenCopy } from '../cache/frozen-copy.js';
import { type ResolvedIdentity, resolveIdentity } from '../config/resolve-identity.js';
import type { Settings } from '../config/settings.js';
import type { HttpClient } from '../http/http-client.js';
import type { FlowPorts } from '../ports/flow-ports.js';
import { type Logger, warnOnce } from '../ports/logger.js';
import type { DPoPHandle, OpenIdSession } from '../protocol/openid-session.js';
import { loadCachePlugin } from '../registry/load-cache.js';
import { Registry } from '../registry/registry.js';
import { idpPluginsOf } from '../registry/validate-plugin.js';
import type { CacheKey, CacheLockOptions, CachePlugin } from '../spec/cache.js';
import type { IdpPlugin } from '../spec/idp.js';
import type { CachedMetadata, ServerMetadata } from '../spec/metadata.js';
import type { ProtocolPort } from '../spec/protocol.js';
import type { WorkloadIdentity } from '../workload/workload-identity.js';
import type { ResolvedMetadata } from './idp-context.js';
import type { LoginPlan } from './login-plan.js';
import { isMetadataFresh } from './metadata-freshness.js';

/**
 * A promise made on first call and kept; a rejected one is dropped, so the next call tries
 * again (a bad caCertPath, a first-party package that failed to load).
 */
function memoize<T>(make: () => Promise<T>): () => Promise<T> {
  let kept: Promise<T> | undefined;
  return () => {
    if (kept) return kept;
    const made = make();
    kept = made;
    made.catch(() => {
      if (kept === made) kept = undefined;
    });
    return made;
  };
}

/**
 * Everything the lifecycle needs of one `OidcAuth`/`OidcCredentialsAuth`: the settings resolved
 * once (identity, cache key, cache plugin, ports), and the parts made on first use and kept for
 * the instance's life — the HTTP client, the registry and the openid-client session. Each part
 * is made here and nowhere else. The cache-hit path reads only the resolved settings: the
 * parts load their modules (undici, openid-client, flows) when first asked for.
 */
export class AuthRuntime {
  /**
   * The HTTP client, made on first use, so later refreshes and logins reuse the connection
   * (and its TLS session); the server source is asked through it too. Idle sockets do not
   * keep the process alive.
   */
  readonly http: () => Promise<HttpClient>;
  /** The instance's plugins: the installed first-party packages are looked up once (flows load then). */
  readonly registry: () => Promise<Registry>;
  /**
   * The workload identity (`identitySource`), made on first use: its module (and jose) load
   * only when a grant or `explain` needs it. Undefined without an identity source.
   */
  readonly workload: () => Promise<WorkloadIdentity | undefined>;
  /** The instance's options with their defaults, resolved once (config/settings.ts). */
  readonly settings: Settings;
  /** Who we log in to and as what (the option, else the server source, else the default). */
  readonly identity: ResolvedIdentity;
  readonly key: CacheKey;
  readonly cache: CachePlugin;
  readonly logger: Logger;
  readonly ports: FlowPorts;
  private session:
    | { metadata: ServerMetadata; metadataJson: string; session: Promise<OpenIdSession> }
    | undefined;
  /**
   * The metadata this runtime resolved last (frozen), as it came from the cache. The cache
   * stores that same object with the tokens, so the next login or refresh hands it back: then,
   * while fresh, it is the answer again, without the overrides, IdP plugins and URL checks
   * being applied anew (they were, to this very object).
   */
  private lastMetadata: ResolvedMetadata | undefined;
  /** The last login's plan (`loginPlan`). */
  private plan: LoginPlan | undefined;

  private constructor(parts: {
    settings: Settings;
    identity: ResolvedIdentity;
    key: CacheKey;
    cache: CachePlugin;
    http: () => Promise<HttpClient>;
  }) {
    this.settings = parts.settings;
    this.identity = parts.identity;
    this.key = parts.key;
    this.cache = parts.cache;
    this.http = parts.http;
    this.logger = parts.settings.logger;
    this.ports = parts.settings.ports;
    const { workload } = this.settings;
    this.registry = memoize(() =>
      Registry.create(this.settings.plugins, this.settings.loadModule, workload !== undefined),
    );
    this.workload = memoize(async () => {
      if (!workload) return undefined;
      const { WorkloadIdentity } = await import('../workload/workload-identity.js');
      const { plugins, env } = this.settings;
      return new WorkloadIdentity(workload, this.identity.issuer, plugins, env, () => this.ports.clock.now());
    });
  }

  /** Resolves the identity (asking the server source if needed), the cache key and the cache plugin. */
  static async create(settings: Settings): Promise<AuthRuntime> {
    const http = memoize(async () =>
      (await import('../http/http-client.js')).createHttpClient({
        ...(settings.http.caCertPath ? { caCertPath: settings.http.caCertPath } : {}),
        timeoutSeconds: settings.http.timeoutSeconds,
        apiTimeoutSeconds: settings.fetchTimeoutSeconds,
        ...(settings.http.maxResponseBytes ? { maxResponseBytes: settings.http.maxResponseBytes } : {}),
        env: settings.env,
        home: settings.home,
      }),
    );
    const identity = await resolveIdentity(settings, async () => (await http()).fetch);
    const key = cacheKeyFor({ ...identity, family: settings.family, dpop: settings.dpop });
    const warned = new Set<string>();
    const cache = await loadCachePlugin(
      settings.plugins,
      {
        ...settings.cache,
        // Said once per instance: a cache that cannot write warns on every set otherwise.
        warn: (message) => warnOnce(settings.logger, message, message, warned),
      },
      settings.loadModule,
      key,
    );
    return new AuthRuntime({ settings, identity, key, cache, http });
  }

  /**
   * The IdP's metadata for a request: fresh `cached` metadata (from the cache entry), else the
   * overrides when they suffice, else discovery over the runtime's HTTP client; and where it
   * came from. The only place metadata is made (`lifecycle/idp-context.ts` does the work).
   */
  async metadata(cached: CachedMetadata | undefined, now: number): Promise<ResolvedMetadata> {
    const last = this.lastMetadata;
    if (last && cached === last.metadata && isMetadataFresh(cached, now, this.settings.metadataTtlMs))
      return last;
    const [{ resolveMetadata }, http] = await Promise.all([import('./idp-context.js'), this.http()]);
    const resolved = await resolveMetadata(this, http, cached, now);
    const metadata = frozenCopy(resolved.metadata);
    this.lastMetadata = { metadata, source: 'cache' };
    return { metadata, source: resolved.source };
  }

  /** The IdP plugins that claim this issuer (and, when given, this metadata). */
  idps(metadata?: ServerMetadata): IdpPlugin[] {
    return idpPluginsOf(this.settings.plugins).filter((idp) =>
      idp.matches({ issuer: this.identity.issuer, ...(metadata ? { metadata } : {}) }),
    );
  }

  /**
   * Runs `critical` under the cache's lock for `key` (the instance's by default), when the
   * cache has one (`withLock` is a capability, not a duty of a cache plugin).
   */
  withCacheLock<T>(
    critical: () => Promise<T>,
    options?: CacheLockOptions,
    key: CacheKey = this.key,
  ): Promise<T> {
    return this.cache.withLock ? this.cache.withLock(key, critical, options) : critical();
  }

  /** Where the cache keeps the entry of `key` (the instance's by default), when it says. */
  cachePath(key: CacheKey = this.key): string | undefined {
    return this.cache.resolvedCachePath?.(key);
  }

  /**
   * The protocol port over `session` for requests of `flow` (with `dpop`, proofs of that key):
   * every request to the IdP after discovery goes through one — a flow's, a refresh, a
   * revocation at logout.
   */
  async protocolPort(session: OpenIdSession, flow: string, dpop?: DPoPHandle): Promise<ProtocolPort> {
    const { createProtocolPort } = await import('../protocol/openid-port.js');
    return createProtocolPort(session, {
      scopes: this.identity.scopes,
      flow,
      now: () => this.ports.clock.now(),
      log: this.logger,
      ...(dpop ? { dpop } : {}),
    });
  }

  /**
   * What a login decides before it runs its flow (the flow, session, adjustments, port; see
   * `LoginPlan`), worked out on the first login and kept while the metadata document stays the
   * same object (`metadata()` hands back the same one while it is fresh).
   */
  async loginPlan(metadata: CachedMetadata): Promise<LoginPlan> {
    if (this.plan?.document === metadata.document) return this.plan;
    const { makeLoginPlan } = await import('./login-plan.js');
    this.plan = await makeLoginPlan(this, metadata);
    return this.plan;
  }

  /** The openid-client session for `metadata`, made on first use and reused while the metadata stays the same. */
  openIdSession(metadata: ServerMetadata): Promise<OpenIdSession> {
    // The same metadata object (resolved once, see `metadata`) needs no comparison of its JSON.
    if (this.session?.metadata === metadata) return this.session.session;
    const metadataJson = JSON.stringify(metadata);
    if (this.session?.metadataJson !== metadataJson) {
      const session = this.createSession(metadata);
      session.catch(() => {
        if (this.session?.session === session) this.session = undefined;
      });
      this.session = { metadata, metadataJson, session };
    } else {
      this.session.metadata = metadata;
    }
    return this.session.session;
  }

  private async createSession(metadata: ServerMetadata): Promise<OpenIdSession> {
    const [{ openClientSession }, http, workload] = await Promise.all([
      import('./open-session.js'),
      this.http(),
      this.workload(),
    ]);
    const { signal } = this.settings;
    // The platform token authenticates the client only when it is spent that way.
    const spendsAsClientAuth = workload?.use(metadata, this.settings.requestedFlow) === 'client_assertion';
    return openClientSession({
      ...(workload && spendsAsClientAuth
        ? { workloadAssertion: async () => (await workload.read(http.fetch, signal)).value }
        : {}),
      metadata,
      clientId: this.identity.clientId,
      ...(this.settings.clientSecret ? { clientSecret: this.settings.clientSecret } : {}),
      ...(this.settings.privateKeyPath ? { privateKeyPath: this.settings.privateKeyPath } : {}),
      ...(this.settings.privateKeyId ? { privateKeyId: this.settings.privateKeyId } : {}),
      home: this.settings.home,
      idps: this.idps(metadata),
      fetch: http.fetch,
      ...(this.settings.signal ? { signal: this.settings.signal } : {}),
      timeoutSeconds: this.settings.http.timeoutSeconds,
    });
  }
}
