/** One HTTP request the test IdP received. */
export interface RequestLogEntry {
  method: string;
  /** Path without the query string, e.g. `/token` or `/.well-known/openid-configuration`. */
  path: string;
  /** `grant_type` of a token request, when there was one. */
  grantType?: string;
  /** The client that made the request, when it could be told (body, Basic auth, assertion or provider). */
  clientId?: string;
  /** Epoch milliseconds when the request arrived. */
  time: number;
  /**
   * The form or query parameters, with secret values (codes, tokens, verifiers, secrets,
   * assertions, passwords) replaced by "[redacted]". Repeated parameters keep the last value
   * here and all values in `repeated`.
   */
  parameters: Record<string, string>;
  /** Every value of each parameter, in order (for `resource`, which may repeat). */
  repeated: Record<string, string[]>;
}

/** Every field given must match exactly; an omitted field matches anything. */
export interface RequestFilter {
  method?: string;
  path?: string;
  grantType?: string;
  clientId?: string;
}

export type RequestPredicate = (entry: RequestLogEntry) => boolean;

/** What tests read: how many requests of which kind reached the IdP. */
export interface RequestLog {
  count(filter?: RequestFilter | RequestPredicate): number;
  /** Copies of the entries, oldest first. */
  list(filter?: RequestFilter | RequestPredicate): RequestLogEntry[];
  reset(): void;
  /** Requests to the token endpoint, optionally of one grant type. */
  tokenRequests(grantType?: string): number;
  /** Requests for the OpenID Provider or OAuth AS metadata documents. */
  discoveryRequests(): number;
  jwksRequests(): number;
}

const TOKEN_PATH = '/token';
const DISCOVERY_PATHS = new Set([
  '/.well-known/openid-configuration',
  '/.well-known/oauth-authorization-server',
]);
const JWKS_PATH = '/jwks';

export class RecordingRequestLog implements RequestLog {
  readonly #entries: RequestLogEntry[] = [];

  /** Returns the stored entry so the recorder can fill in fields learned later (e.g. the client). */
  record(entry: RequestLogEntry): RequestLogEntry {
    this.#entries.push(entry);
    return entry;
  }

  count(filter?: RequestFilter | RequestPredicate): number {
    return this.#matching(filter).length;
  }

  list(filter?: RequestFilter | RequestPredicate): RequestLogEntry[] {
    return this.#matching(filter).map((entry) => structuredClone(entry));
  }

  reset(): void {
    this.#entries.length = 0;
  }

  tokenRequests(grantType?: string): number {
    return this.count(grantType === undefined ? { path: TOKEN_PATH } : { path: TOKEN_PATH, grantType });
  }

  discoveryRequests(): number {
    return this.count((entry) => DISCOVERY_PATHS.has(entry.path));
  }

  jwksRequests(): number {
    return this.count({ path: JWKS_PATH });
  }

  #matching(filter?: RequestFilter | RequestPredicate): RequestLogEntry[] {
    if (filter === undefined) return this.#entries;
    const predicate = typeof filter === 'function' ? filter : matchesFilter(filter);
    return this.#entries.filter(predicate);
  }
}

function matchesFilter(filter: RequestFilter): RequestPredicate {
  return (entry) =>
    (filter.method === undefined || filter.method.toUpperCase() === entry.method) &&
    (filter.path === undefined || filter.path === entry.path) &&
    (filter.grantType === undefined || filter.grantType === entry.grantType) &&
    (filter.clientId === undefined || filter.clientId === entry.clientId);
}
