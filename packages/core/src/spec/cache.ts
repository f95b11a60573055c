import type { JsonWebKey } from 'node:crypto';
import type { CachedMetadata } from './metadata.js';
import type { TokenSet } from './tokens.js';
import type { SpecificationVersion } from './version.js';

/** Which kind of grant produced a token: user tokens and client tokens never share an entry. */
export type FlowFamily = 'user' | 'client';

/** Identifies one cache entry. `id` is a stable hash of the other fields (see `cacheKeyFor`). */
export interface CacheKey {
  id: string;
  issuer: string;
  clientId: string;
  scopes: readonly string[];
  audience?: string;
  family: FlowFamily;
  /**
   * The `sub` of an account kept beside the current one for the same settings. Absent for the
   * settings' own entry, which holds the current account (so a hit reads one entry).
   */
  account?: string;
  /**
   * A stepped-up login's requirement (RFC 9470: the `acr_values`, `max_age` an API asked for),
   * whose tokens are kept apart from the ordinary ones of the same settings and account.
   */
  requirement?: string;
  /**
   * True for the settings with `dpop`: their DPoP-bound entry is kept apart from the bearer
   * entry of the same settings without it.
   */
  dpop?: true;
}

/** A user an IdP logged in: the ID token's `sub`, and the names it is shown and asked for by. */
export interface AccountRef {
  sub: string;
  /** `preferred_username`, when the ID token had one. */
  username?: string;
  email?: string;
}

/** One cache entry: the tokens, the flow that produced them, and the metadata used. */
export interface CacheEntry {
  tokens: TokenSet;
  /** Name of the flow that produced the tokens (`auth_code`, `device`, …). */
  flow: string;
  metadata?: CachedMetadata;
  /** Epoch ms of the write. */
  savedAt: number;
  /**
   * The entry's DPoP key (RFC 9449) as a private ES256 JWK, when its tokens are bound to one.
   * A cache keeps it exactly like the tokens (a keyring, or the 0600 file): a later process
   * proves possession with it.
   */
  dpopKey?: JsonWebKey;
  /** The user these tokens are for (from the ID token at login); absent without an ID token. */
  account?: AccountRef;
  /**
   * In the settings' own entry (the current account's): the other accounts logged in with the
   * same settings, each kept under the key with its `account`.
   */
  otherAccounts?: readonly AccountRef[];
  /**
   * Another user signed in with the same settings after these tokens were issued (through a
   * browser flow, or by approving a device code). In one browser the IdP keeps one session
   * (oidc-provider and Keycloak end the first user's when another signs in there, the device
   * flow's approval included), so these tokens may be refused now: they are not
   * handed out again before one refresh shows the session is alive (that clears this), and are
   * removed when the IdP refuses it.
   */
  laterSignIn?: LaterSignIn;
}

/** Who signed in after an account's tokens were issued, and when (epoch ms). */
export interface LaterSignIn {
  account: AccountRef;
  at: number;
}

export interface CacheLockOptions {
  signal?: AbortSignal;
}

/**
 * A cache plugin stores entries by key: `get`, `set` and `delete` are what a cache must do;
 * `withLock`, `resolvedCachePath` and `selectionReason` are capabilities a cache may have (a
 * file cache has all three; core asks for each only if it is there). Implementations must never throw at the caller for a
 * problem a login can repair (a corrupt file is a miss); they may throw `OidcflowError` for
 * a problem only the user can fix (`CACHE_INSECURE`, `CACHE_LOCK_TIMEOUT`).
 */
export interface CachePlugin {
  readonly kind: 'cache';
  readonly specificationVersion: SpecificationVersion;
  readonly name: string;
  /**
   * The entry for `key`, or undefined. It may be frozen and handed to several callers (the
   * file and memory caches do, so a repeated hit copies nothing): callers never change it.
   */
  get(key: CacheKey): Promise<CacheEntry | undefined>;
  set(key: CacheKey, entry: CacheEntry): Promise<void>;
  delete(key: CacheKey): Promise<void>;
  /**
   * Runs `critical` while holding an exclusive lock for `key`, shared by every process that
   * uses the same cache location; releases it however `critical` ends. Without it, core runs
   * `critical` as is: two processes may then both refresh or log in at once.
   */
  withLock?<T>(key: CacheKey, critical: () => Promise<T>, options?: CacheLockOptions): Promise<T>;
  /** Where the entry for `key` is (or would be) stored; absent, or undefined, for caches without a location. */
  resolvedCachePath?(key: CacheKey): string | undefined;
  /** Which store holds the tokens and why (a keyring cache that fell back to a file says so), for `explain()`. */
  readonly selectionReason?: string;
}

/** Options every cache factory accepts. */
export interface CacheFactoryOptions {
  /** Override of the cache location (`~` is expanded by the plugin, with the home of `env`). */
  cachePath?: string;
  /**
   * The environment the auth instance reads (its `env` option, else process.env): a plugin
   * finds `~` and its default location (XDG_CACHE_HOME, LOCALAPPDATA, HOME) in it.
   */
  env?: NodeJS.ProcessEnv;
  /** Called once per distinct problem the cache recovered from (a corrupt file, …). */
  warn?: (message: string) => void;
  /** How the cache was chosen: `auto` (core picked the best installed) or a name the user gave. */
  cacheRequest?: 'auto' | 'keyring' | 'file';
  /** For caches that can be unavailable (the OS keyring): whether to fall back to the file cache or fail. */
  cacheFallback?: 'file' | 'error';
}
