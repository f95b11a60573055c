import { accountOfEntry, keyOfAccount } from '../cache/account-ref.js';
import { isUsableEntry } from '../cache/usable-entry.js';
import type { OidcAuthOptions } from '../config/options.js';
import { resolveSettings, type Settings } from '../config/settings.js';
import { validateOptions } from '../config/validate-options.js';
import type { FetchFunction } from '../fetch/authorized-fetch.js';
import type { AccountStatus } from '../lifecycle/accounts.js';
import { isFresh } from '../lifecycle/freshness.js';
import { AuthRuntime } from '../lifecycle/runtime.js';
import { singleFlight } from '../lifecycle/single-flight.js';
import type { ExplainReport, LogoutResult, ObtainMode, ObtainRequest } from '../lifecycle/slow-path.js';
import type { AccountRef, CacheEntry, FlowFamily, LaterSignIn } from '../spec/cache.js';
import type { TokenKind, TokenSet } from '../spec/tokens.js';

/** How `getTokens()` answers. */
export interface GetTokensOptions {
  /**
   * Whose expiry decides whether the cache can answer: `access` (default) or `id` (then the
   * result has an `idToken` valid past the skew).
   * @default 'access'
   */
  tokenType?: TokenKind;
  /**
   * False: never log in (no browser, no device prompt); a refresh is still done. Fails with
   * `NOT_LOGGED_IN` where a login would be needed, e.g. for kubectl's non-interactive calls.
   * @default true
   */
  allowLogin?: boolean;
}

// The slow path (discovery, openid-client, undici, flows) loads only when the cache misses;
// the module, once loaded, is kept (an `import()` per call would ask the loader each time).
let slowPathModule: Promise<typeof import('../lifecycle/slow-path.js')> | undefined;
const slowPath = () => {
  if (!slowPathModule) {
    const loading = import('../lifecycle/slow-path.js');
    slowPathModule = loading;
    loading.catch(() => {
      if (slowPathModule === loading) slowPathModule = undefined;
    });
  }
  return slowPathModule;
};

/**
 * The cached entry of the instance's account: the settings' own entry (one read) when it holds
 * that account — always, without the `account` option — else the one kept under the account's
 * key (a second read).
 */
function cachedEntry(runtime: AuthRuntime): Promise<CacheEntry | undefined> {
  const name = runtime.settings.account;
  // Without an account the cache's own promise is handed on: no promise of ours per hit.
  return name === undefined ? runtime.cache.get(runtime.key) : accountEntry(runtime, name);
}

async function accountEntry(runtime: AuthRuntime, name: string): Promise<CacheEntry | undefined> {
  const entry = await runtime.cache.get(runtime.key);
  const key = keyOfAccount(runtime.key, isUsableEntry(entry) ? entry : undefined, name);
  if (key === runtime.key) return entry;
  const kept = key ? await runtime.cache.get(key) : undefined;
  return kept && accountOfEntry(kept)?.sub === key?.account ? kept : undefined;
}

/** The cached tokens when they answer for `kind` now, else undefined. */
function freshCached(
  runtime: AuthRuntime,
  entry: CacheEntry | undefined,
  kind: TokenKind,
): TokenSet | undefined {
  return isUsableEntry(entry) && isFresh(entry, runtime.ports.clock.now(), kind) ? entry.tokens : undefined;
}

/** The token lifecycle shared by `OidcAuth` and `OidcCredentialsAuth`. */
export abstract class AuthBase {
  /** The options as given: the spec's attributes read them back (auth-with-settings.ts). */
  protected readonly options: OidcAuthOptions;
  protected readonly family: FlowFamily;
  /**
   * The options with every default applied: what the lifecycle reads. Made by the constructor;
   * with `profile`, on first use, once the configuration file is read (`currentSettings()`).
   */
  private settings: Settings | undefined;
  private profiled: Promise<Settings> | undefined;
  private runtime: Promise<AuthRuntime> | undefined;
  /** The runtime once made: a cache hit then awaits nothing but the cache. */
  private resolved: AuthRuntime | undefined;
  /** Identifies this instance's cache entry among concurrent obtains (single flight), made once. */
  private flightPrefix: string | undefined;
  private forceLoginPending: boolean;
  private authorizedFetch?: Promise<FetchFunction>;

  protected constructor(options: OidcAuthOptions, family: FlowFamily) {
    validateOptions(options);
    this.options = { ...options };
    this.family = family;
    // A constructor cannot wait for the configuration file (nor load its TOML parser): with a
    // profile the settings are made on first use, and an instance without one never loads them.
    if (options.profile === undefined) this.settings = resolveSettings(this.options, family);
    // forceLogin ignores what was cached before this instance; its own login is reused.
    this.forceLoginPending = this.settings?.login.forceLogin ?? false;
  }

  /** The settings, once made: with `profile`, the options filled from the profile (config/with-profile.ts). */
  protected currentSettings(): Promise<Settings> {
    if (this.settings) return Promise.resolve(this.settings);
    if (this.profiled) return this.profiled;
    const profiled = this.settingsWithProfile();
    this.profiled = profiled;
    // A file fixed after a failure is read again on the next call.
    profiled.catch(() => {
      if (this.profiled === profiled) this.profiled = undefined;
    });
    return profiled;
  }

  private async settingsWithProfile(): Promise<Settings> {
    const { withProfile } = await import('../config/with-profile.js');
    const { options, report } = await withProfile(this.options, this.family);
    // Checked again with the profile's values; without `profile`, whose checks were done.
    const { profile: _named, ...filled } = options;
    validateOptions(filled);
    const settings: Settings = { ...resolveSettings(options, this.family), profile: report };
    this.settings = settings;
    this.forceLoginPending = settings.login.forceLogin;
    return settings;
  }

  /**
   * A valid access token: from the cache, by refresh, or by logging in. A cache hit reads the
   * cache and allocates nothing else of its own (the file cache hands back the entry it
   * parsed while the file is unchanged).
   */
  async getAccessToken(): Promise<string> {
    const runtime = this.resolved ?? (await this.resolveRuntime());
    if (!this.forceLoginPending) {
      const tokens = freshCached(runtime, await cachedEntry(runtime), 'access');
      if (tokens) return tokens.accessToken;
    }
    return (await this.renew(runtime, 'access', true)).accessToken;
  }

  /**
   * A valid ID token (a JWT whose `aud` is the client id, what Kubernetes' OIDC authenticator
   * takes): from the cache, by refresh, or by logging in. Its own `exp` decides, not the access
   * token's. `ID_TOKEN_UNAVAILABLE` for client credentials or without the `openid` scope.
   */
  async getIdToken(): Promise<string> {
    const tokens = await this.getTokens({ tokenType: 'id' });
    return tokens.idToken as string;
  }

  /**
   * Access, ID and refresh tokens with expiry, scope and type. `tokenType: 'id'` makes the ID
   * token's expiry decide (and guarantees `idToken`); `allowLogin: false` never logs in and
   * fails with `NOT_LOGGED_IN` where a login would be needed (no browser, no prompt). A
   * result from the cache may be frozen (the file and memory caches hand out their own object,
   * shared by later calls): copy it to change it.
   */
  async getTokens(options: GetTokensOptions = {}): Promise<TokenSet> {
    const kind = options.tokenType ?? 'access';
    const runtime = this.resolved ?? (await this.resolveRuntime());
    // Without openid no login yields an ID token: say so before running one.
    if (kind === 'id' && (this.family === 'client' || !runtime.identity.scopes.includes('openid'))) {
      throw (await slowPath()).idTokenUnavailable(runtime);
    }
    if (!this.forceLoginPending) {
      const tokens = freshCached(runtime, await cachedEntry(runtime), kind);
      if (tokens) return tokens;
    }
    return this.renew(runtime, kind, options.allowLogin ?? true);
  }

  /** Past the cache: a refresh or a login (a forced one when `forceLogin` is still pending). */
  private async renew(runtime: AuthRuntime, kind: TokenKind, allowLogin: boolean): Promise<TokenSet> {
    const mode: ObtainMode = this.forceLoginPending ? 'force-login' : 'normal';
    const tokens = await this.obtain(runtime, { mode, kind, allowLogin });
    if (mode === 'force-login' && allowLogin) this.forceLoginPending = false;
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
        /** Which cache plugin holds the entry and, when it says, why it was chosen (keyring or its fallback). */
        cache: { plugin: string; reason?: string };
        /** The user the tokens are for, when the ID token said. */
        account?: AccountRef;
        /**
         * Another user signed in after this account (browser or device code): its IdP session
         * may have ended, so the tokens are checked with a refresh before any call hands them out.
         */
        laterSignIn?: LaterSignIn;
      }
    | undefined
  > {
    const runtime = await this.resolveRuntime();
    const entry = await cachedEntry(runtime);
    if (!isUsableEntry(entry)) return undefined;
    const account = accountOfEntry(entry);
    const cachePath = runtime.cachePath();
    return {
      tokens: entry.tokens,
      flow: entry.flow,
      savedAt: entry.savedAt,
      issuer: runtime.key.issuer,
      clientId: runtime.key.clientId,
      ...(cachePath ? { cachePath } : {}),
      cache: {
        plugin: runtime.cache.name,
        ...(runtime.cache.selectionReason ? { reason: runtime.cache.selectionReason } : {}),
      },
      ...(account ? { account } : {}),
      ...(entry.laterSignIn ? { laterSignIn: entry.laterSignIn } : {}),
    };
  }

  /**
   * Runs a login now, whatever is cached, and caches its tokens. The user logged in becomes the
   * current account of these settings (with `account`, it must be that one); an account that
   * was current before stays cached beside it (`accounts()`).
   */
  async login(): Promise<TokenSet> {
    const request = { mode: 'force-login', kind: 'access', allowLogin: true, makeCurrent: true } as const;
    const tokens = await this.obtain(await this.resolveRuntime(), request);
    this.forceLoginPending = false;
    return tokens;
  }

  /**
   * The server refused `token` (git's `erase`, an API's 401): when it is the cached access or
   * ID token it is dropped, keeping the refresh token, so the next call refreshes instead of
   * returning it again. Another token is ignored. No request is made. Resolves with whether
   * the cache changed.
   */
  async rejectToken(token: string): Promise<boolean> {
    const { rejectToken } = await import('../lifecycle/reject-token.js');
    return rejectToken(await this.resolveRuntime(), token);
  }

  /**
   * `fetch` with the access token attached, for calling an API: sends it only to
   * `allowedOrigins` (default: the first origin used), follows same-origin redirects with it
   * and other redirects without it (nor the caller's Cookie or other credential headers), and
   * on a 401 `invalid_token` refreshes once and retries once. A stream body is not retried:
   * that fails with `FETCH_NOT_REPLAYABLE`. Requests go through core's HTTP client (caCertPath,
   * HTTPS_PROXY/NO_PROXY) with a deadline, `fetchTimeoutSeconds`, to the last byte of the body.
   */
  async fetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    // Its own module, loaded on first use: the cache-hit path of getAccessToken() pays nothing.
    const settings = this.settings ?? (await this.currentSettings());
    this.authorizedFetch ??= import('../fetch/authorized-fetch.js').then(({ createAuthorizedFetch }) =>
      createAuthorizedFetch({
        getCredentials: async () => {
          const tokens = await this.getTokens();
          const runtime = await this.resolveRuntime();
          // The entry of the instance's account (a kept one with `account`), whose key binds its tokens.
          const entry = await cachedEntry(runtime);
          const bound = entry?.tokens.accessToken === tokens.accessToken ? entry.dpopKey : undefined;
          return { tokens, dpopKey: bound };
        },
        rejectToken: (token) => this.rejectToken(token),
        // RFC 9470: a login on its own where someone can take part (stderr is a terminal), or
        // where the caller shows the login itself (stepUp: 'login'); never with 'error'.
        stepUp: async (requirement, origin) => {
          const runtime = await this.resolveRuntime();
          const allowLogin =
            this.family === 'user' &&
            (settings.stepUp === 'login' ||
              (settings.stepUp === 'auto' && Boolean(runtime.ports.output.isTTY)));
          const entry = await (await slowPath()).stepUp(runtime, requirement, allowLogin, origin);
          return { tokens: entry.tokens, dpopKey: entry.dpopKey };
        },
        allowedOrigins: settings.allowedOrigins,
        allowInsecureHttp: settings.allowInsecureHttp,
        // The runtime's HTTP client: the API is reached with the IdP's CA, proxy and User-Agent.
        send: async (url, init) => (await (await this.resolveRuntime()).http()).apiFetch(url, init),
        timeoutSeconds: settings.fetchTimeoutSeconds,
      }),
    );
    return (await this.authorizedFetch)(input, init);
  }

  /**
   * Removes the cached tokens of the account `account` names (else the current one's), and
   * revokes them at the IdP when it advertises revocation. Other accounts stay; when the
   * current one goes, the next becomes current (`nowCurrent`).
   */
  async logout(): Promise<LogoutResult> {
    return (await slowPath()).logout(await this.resolveRuntime());
  }

  /** The accounts logged in with these settings, the current one first. No request is made. */
  async accounts(): Promise<AccountStatus[]> {
    const [{ listAccounts }, runtime] = await Promise.all([slowPath(), this.resolveRuntime()]);
    return listAccounts(runtime);
  }

  /**
   * Makes the account `name` (user name, e-mail address or `sub`) the current one of these
   * settings: what calls without `account` — kubectl, git — get from then on. No request is
   * made, except one refresh when another user signed in (browser or device code) after that
   * account (its IdP session may have ended): when the IdP refuses it, the account's tokens
   * are removed, nothing switches, and `NOT_LOGGED_IN` says to log it in again.
   * `ACCOUNT_UNKNOWN`, listing the known ones, when no such account is logged in.
   */
  async useAccount(name: string): Promise<AccountRef> {
    const [{ switchCheckedAccount }, runtime] = await Promise.all([slowPath(), this.resolveRuntime()]);
    return runtime.withCacheLock(() => switchCheckedAccount(runtime, name));
  }

  /** The file that holds (or would hold) this instance's tokens; undefined for a memory cache. */
  async resolvedCachePath(): Promise<string | undefined> {
    const runtime = await this.resolveRuntime();
    return runtime.cachePath();
  }

  /** Which flow a login would use, and for every known flow why or why not. */
  async explain(): Promise<ExplainReport> {
    return (await slowPath()).explain(await this.resolveRuntime());
  }

  private async obtain(runtime: AuthRuntime, request: ObtainRequest): Promise<TokenSet> {
    const { mode, kind, allowLogin } = request;
    this.flightPrefix ??= `${runtime.cache.name}\0${runtime.cachePath() ?? ''}\0${runtime.key.id}`;
    const flightKey = `${this.flightPrefix}\0${mode}\0${kind}\0${allowLogin}\0${request.makeCurrent ?? false}`;
    return singleFlight(flightKey, async () => (await slowPath()).obtainTokens(runtime, request));
  }

  private resolveRuntime(): Promise<AuthRuntime> {
    if (this.runtime) return this.runtime;
    const runtime = this.settings
      ? AuthRuntime.create(this.settings)
      : this.currentSettings().then((settings) => AuthRuntime.create(settings));
    this.runtime = runtime;
    // A failed resolution (server source down) is retried on the next call.
    runtime.then(
      (made) => {
        this.resolved = made;
      },
      () => {
        if (this.runtime === runtime) this.runtime = undefined;
      },
    );
    return runtime;
  }
}
