import { cacheKeyFor } from '../cache/cache-key.js';
import { frozenCopy } from '../cache/frozen-copy.js';
import { homeDirectory } from '../config/home.js';
import type { CommonAuthOptions, OidcAuthOptions, OidcCredentialsAuthOptions } from '../config/options.js';
import { DEFAULTS } from '../config/options.js';
import { type ResolvedIdentity, resolveIdentity } from '../config/resolve-identity.js';
import type { HttpClient } from '../http/http-client.js';
import { type FlowPorts, openSystemBrowser, systemClock } from '../ports/flow-ports.js';
import { createStderrLogger, type Logger, warnOnce } from '../ports/logger.js';
import type { OpenIdSession } from '../protocol/openid-session.js';
import { loadCachePlugin } from '../registry/load-cache.js';
import { Registry } from '../registry/registry.js';
import { idpPluginsOf } from '../registry/validate-plugin.js';
import type { CacheFactoryOptions, CacheKey, CachePlugin, FlowFamily } from '../spec/cache.js';
import type { IdpPlugin } from '../spec/idp.js';
import type { CachedMetadata, ServerMetadata } from '../spec/metadata.js';
import type { WorkloadIdentity } from '../workload/workload-identity.js';
import type { ResolvedMetadata } from './idp-context.js';

/** What `AuthRuntime.create` needs of one `OidcAuth`/`OidcCredentialsAuth`. */
export interface RuntimeSetup {
  options: OidcAuthOptions;
  family: FlowFamily;
  /** The flow to use: the option for OidcAuth, `client_credentials` for OidcCredentialsAuth. */
  requestedFlow: string;
  /** The secret and key path as the class resolved them (OidcCredentialsAuth reads the environment). */
  credentials: { clientSecret?: string | undefined; privateKeyPath?: string | undefined };
}

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
   * only when a grant needs the platform token. Undefined without an identity source.
   */
  readonly workload: () => Promise<WorkloadIdentity | undefined>;
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

  private constructor(
    readonly options: OidcAuthOptions,
    readonly family: FlowFamily,
    readonly requestedFlow: string,
    readonly clientSecret: string | undefined,
    /** Path of the private_key_jwt key, from the option or OIDCFLOW_PRIVATE_KEY_PATH. */
    readonly privateKeyPath: string | undefined,
    readonly env: NodeJS.ProcessEnv,
    readonly home: string,
    readonly logger: Logger,
    readonly ports: FlowPorts,
    readonly identity: ResolvedIdentity,
    readonly key: CacheKey,
    readonly cache: CachePlugin,
    http: () => Promise<HttpClient>,
  ) {
    this.http = http;
    const identitySource = (options as OidcCredentialsAuthOptions).identitySource;
    this.registry = memoize(() =>
      Registry.create(options.plugins ?? [], options.loadModule, Boolean(identitySource)),
    );
    this.workload = memoize(async () => {
      const { WorkloadIdentity, workloadSettingsOf } = await import('../workload/workload-identity.js');
      const settings = workloadSettingsOf(options, identity.issuer);
      return settings && new WorkloadIdentity(settings, options.plugins ?? [], env, () => ports.clock.now());
    });
  }

  /** Resolves the identity (asking the server source if needed), the cache key and the cache plugin. */
  static async create(setup: RuntimeSetup): Promise<AuthRuntime> {
    const { options, family, requestedFlow, credentials } = setup;
    const env = options.env ?? process.env;
    const home = homeDirectory(env);
    const logger = options.logger ?? createStderrLogger(env);
    const http = memoize(async () =>
      (await import('../http/http-client.js')).createHttpClient({
        ...(options.caCertPath ? { caCertPath: options.caCertPath } : {}),
        timeoutSeconds: options.httpTimeoutSeconds ?? DEFAULTS.httpTimeoutSeconds,
        ...(options.maxResponseBytes ? { maxResponseBytes: options.maxResponseBytes } : {}),
        env,
        home,
      }),
    );
    const identity = await resolveIdentity(options, family, async () => (await http()).fetch);
    const key = cacheKeyFor({ ...identity, family });
    const warned = new Set<string>();
    const cache = await loadCachePlugin(
      options.plugins ?? [],
      {
        ...(options.cachePath ? { cachePath: options.cachePath } : {}),
        ...cacheChoice(options, env),
        // Said once per instance: a cache that cannot write warns on every set otherwise.
        warn: (message) => warnOnce(logger, message, message, warned),
      },
      options.loadModule,
    );
    const givenOutput = options.ports?.output;
    const ports: FlowPorts = {
      openUrl: options.ports?.openUrl ?? ((url) => openSystemBrowser(url, env)),
      // process.stderr is built on first access (for a pipe, that loads node:net): a cache hit
      // never prompts, so it never pays for it.
      get output() {
        return givenOutput ?? process.stderr;
      },
      clock: options.ports?.clock ?? systemClock,
    };
    return new AuthRuntime(
      options,
      family,
      requestedFlow,
      credentials.clientSecret || undefined,
      credentials.privateKeyPath || undefined,
      env,
      home,
      logger,
      ports,
      identity,
      key,
      cache,
      http,
    );
  }

  /**
   * The IdP's metadata for a request: fresh `cached` metadata (from the cache entry), else the
   * overrides when they suffice, else discovery over the runtime's HTTP client; and where it
   * came from. The only place metadata is made (`lifecycle/idp-context.ts` does the work).
   */
  async metadata(cached: CachedMetadata | undefined, now: number): Promise<ResolvedMetadata> {
    const last = this.lastMetadata;
    const ttl = (this.options.metadataTtlSeconds ?? DEFAULTS.metadataTtlSeconds) * 1000;
    if (last && cached === last.metadata && now - cached.fetchedAt < ttl) return last;
    const [{ resolveMetadata }, http] = await Promise.all([import('./idp-context.js'), this.http()]);
    const resolved = await resolveMetadata(this, http, cached, now);
    const metadata = frozenCopy(resolved.metadata);
    this.lastMetadata = { metadata, source: 'cache' };
    return { metadata, source: resolved.source };
  }

  /** The IdP plugins that claim this issuer (and, when given, this metadata). */
  idps(metadata?: ServerMetadata): IdpPlugin[] {
    return idpPluginsOf(this.options.plugins).filter((idp) =>
      idp.matches({ issuer: this.identity.issuer, ...(metadata ? { metadata } : {}) }),
    );
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
    const { signal } = this.options;
    const spendsAsClientAuth = workload?.use(metadata, this.requestedFlow) === 'client_assertion';
    return openClientSession({
      ...(workload && spendsAsClientAuth
        ? { workloadAssertion: async () => (await workload.read(http.fetch, signal)).value }
        : {}),
      metadata,
      clientId: this.identity.clientId,
      ...(this.clientSecret ? { clientSecret: this.clientSecret } : {}),
      ...(this.privateKeyPath ? { privateKeyPath: this.privateKeyPath } : {}),
      ...(this.options.privateKeyId ? { privateKeyId: this.options.privateKeyId } : {}),
      home: this.home,
      idps: this.idps(metadata),
      fetch: http.fetch,
      ...(this.options.signal ? { signal: this.options.signal } : {}),
      timeoutSeconds: this.options.httpTimeoutSeconds ?? DEFAULTS.httpTimeoutSeconds,
    });
  }
}

/** `cache` and `cacheFallback`, from the options, else OIDCFLOW_CACHE and OIDCFLOW_CACHE_FALLBACK. */
function cacheChoice(
  options: CommonAuthOptions,
  env: NodeJS.ProcessEnv,
): Pick<CacheFactoryOptions, 'cacheRequest' | 'cacheFallback'> {
  const request = options.cache ?? (env.OIDCFLOW_CACHE || undefined);
  const fallback = options.cacheFallback ?? (env.OIDCFLOW_CACHE_FALLBACK || undefined);
  return {
    ...(request ? { cacheRequest: request as NonNullable<CacheFactoryOptions['cacheRequest']> } : {}),
    ...(fallback ? { cacheFallback: fallback as NonNullable<CacheFactoryOptions['cacheFallback']> } : {}),
  };
}
