import { homedir } from 'node:os';
import { cacheKeyFor } from '../cache/cache-key.js';
import { isUsableEntry } from '../cache/usable-entry.js';
import type { OidcAuthOptions } from '../config/options.js';
import { resolveIdentity } from '../config/resolve-identity.js';
import { validateOptions } from '../config/validate-options.js';
import { isFresh } from '../lifecycle/freshness.js';
import type { AuthRuntime } from '../lifecycle/runtime.js';
import { singleFlight } from '../lifecycle/single-flight.js';
import type { ExplainReport, ObtainMode } from '../lifecycle/slow-path.js';
import { type FlowPorts, systemClock } from '../ports/flow-ports.js';
import { openSystemBrowser } from '../ports/lazy-open-url.js';
import { createStderrLogger } from '../ports/logger.js';
import { loadCachePlugin } from '../registry/load-cache.js';
import type { FlowFamily } from '../spec/cache.js';
import type { TokenSet } from '../spec/tokens.js';

// The slow path (discovery, openid-client, undici, flows) loads only when the cache misses.
const slowPath = () => import('../lifecycle/slow-path.js');

/** The token lifecycle shared by `OidcAuth` and `OidcCredentialsAuth`. */
export abstract class AuthBase {
  protected readonly options: OidcAuthOptions;
  private runtime?: Promise<AuthRuntime>;
  private forceLoginPending: boolean;

  protected constructor(
    options: OidcAuthOptions,
    private readonly family: FlowFamily,
    private readonly requestedFlow: string,
    private readonly credentials: { clientSecret?: string | undefined; privateKeyPath?: string | undefined },
  ) {
    validateOptions(options);
    this.options = { ...options };
    // forceLogin ignores what was cached before this instance; its own login is reused.
    this.forceLoginPending = options.forceLogin ?? false;
  }

  /** A valid access token: from the cache, by refresh, or by logging in. */
  async getAccessToken(): Promise<string> {
    return (await this.getTokens()).accessToken;
  }

  /** Access, ID and refresh tokens with expiry, scope and type. */
  async getTokens(): Promise<TokenSet> {
    const runtime = await this.resolveRuntime();
    if (!this.forceLoginPending) {
      const entry = await runtime.cache.get(runtime.key);
      if (isUsableEntry(entry) && isFresh(entry, runtime.ports.clock.now())) return entry.tokens;
    }
    const mode: ObtainMode = this.forceLoginPending ? 'force-login' : 'normal';
    const tokens = await this.obtain(runtime, mode);
    this.forceLoginPending = false;
    return tokens;
  }

  /**
   * What is cached for these settings, without any request: for status displays. Includes
   * an expired entry (check `tokens.expiresAt`); undefined when nothing is cached.
   */
  async getCachedTokens(): Promise<
    | {
        tokens: TokenSet;
        flow: string;
        savedAt: number;
        /** The issuer the entry is kept under, exactly as resolved (option or server source). */
        issuer: string;
        clientId: string;
        cachePath?: string;
      }
    | undefined
  > {
    const runtime = await this.resolveRuntime();
    const entry = await runtime.cache.get(runtime.key);
    if (!isUsableEntry(entry)) return undefined;
    const cachePath = runtime.cache.resolvedCachePath(runtime.key);
    return {
      tokens: entry.tokens,
      flow: entry.flow,
      savedAt: entry.savedAt,
      issuer: runtime.key.issuer,
      clientId: runtime.key.clientId,
      ...(cachePath ? { cachePath } : {}),
    };
  }

  /** Runs a login now, whatever is cached, and caches its tokens. */
  async login(): Promise<TokenSet> {
    const tokens = await this.obtain(await this.resolveRuntime(), 'force-login');
    this.forceLoginPending = false;
    return tokens;
  }

  /** Removes the cached tokens, and revokes them at the IdP when it advertises revocation. */
  async logout(): Promise<{ removed: boolean; revoked: boolean }> {
    return (await slowPath()).logout(await this.resolveRuntime());
  }

  /** The file that holds (or would hold) this instance's tokens; undefined for a memory cache. */
  async resolvedCachePath(): Promise<string | undefined> {
    const runtime = await this.resolveRuntime();
    return runtime.cache.resolvedCachePath(runtime.key);
  }

  /** Which flow a login would use, and for every known flow why or why not. */
  async explain(): Promise<ExplainReport> {
    return (await slowPath()).explain(await this.resolveRuntime());
  }

  private async obtain(runtime: AuthRuntime, mode: ObtainMode): Promise<TokenSet> {
    const flightKey = `${runtime.cache.name}\0${runtime.cache.resolvedCachePath(runtime.key) ?? ''}\0${runtime.key.id}\0${mode}`;
    return singleFlight(flightKey, async () => (await slowPath()).obtainTokens(runtime, mode));
  }

  private resolveRuntime(): Promise<AuthRuntime> {
    this.runtime ??= this.createRuntime();
    // A failed resolution (server source down) is retried on the next call.
    this.runtime.catch(() => {
      this.runtime = undefined;
    });
    return this.runtime;
  }

  private async createRuntime(): Promise<AuthRuntime> {
    const options = this.options;
    const env = options.env ?? process.env;
    const home = env.HOME || env.USERPROFILE || homedir();
    const logger = options.logger ?? createStderrLogger(env);
    const getFetch = async () => {
      const { createHttpClient } = await import('../http/http-client.js');
      return (
        await createHttpClient({
          timeoutSeconds: options.httpTimeoutSeconds ?? 30,
          ...(options.maxResponseBytes ? { maxResponseBytes: options.maxResponseBytes } : {}),
          env,
          home,
          ...(options.caCertPath ? { caCertPath: options.caCertPath } : {}),
        })
      ).fetch;
    };
    const identity = await resolveIdentity(options, this.family, getFetch);
    const key = cacheKeyFor({ ...identity, family: this.family });
    const warned = new Set<string>();
    const cache = await loadCachePlugin(
      options.plugins ?? [],
      {
        ...(options.cachePath ? { cachePath: options.cachePath } : {}),
        warn: (message) => {
          if (!warned.has(message)) {
            warned.add(message);
            logger.warn(message);
          }
        },
      },
      options.loadModule,
    );
    const ports: FlowPorts = {
      openUrl: options.ports?.openUrl ?? ((url) => openSystemBrowser(url, env)),
      output: options.ports?.output ?? process.stderr,
      clock: options.ports?.clock ?? systemClock,
    };
    const runtime: AuthRuntime = {
      options,
      family: this.family,
      requestedFlow: this.requestedFlow,
      identity,
      key,
      cache,
      env,
      home,
      logger,
      ports,
    };
    if (this.credentials.clientSecret) runtime.clientSecret = this.credentials.clientSecret;
    if (this.credentials.privateKeyPath) runtime.privateKeyPath = this.credentials.privateKeyPath;
    return runtime;
  }
}
