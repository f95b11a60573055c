import type { IdpRequest, RunningTarget } from '../targets/target.js';
import { type CountingProxy, startCountingProxy } from './counting-proxy.js';

/** Counts the requests oidcflow sends to a target, by the IdP's own log or a counting proxy. */
export interface TrafficMeter {
  /** How the requests are counted, for the report. */
  readonly method: string;
  /**
   * Each request is seen with its path and grant type. False behind TLS without the IdP's
   * log: only connections are counted (a CONNECT entry each), enough to prove "no request".
   */
  readonly seesRequests: boolean;
  /** Variables to add to the environment of the code under test (the proxy). */
  readonly env: Readonly<Record<string, string>>;
  /** A position in the request stream; `since(mark)` returns what came after it. */
  mark(): number;
  since(mark: number): IdpRequest[];
  stop(): Promise<void>;
}

function proxyMeter(proxy: CountingProxy, seesRequests: boolean): TrafficMeter {
  return {
    method: seesRequests
      ? 'counted by a forward proxy that only the code under test uses (HTTP_PROXY)'
      : 'connections counted by a forward proxy (HTTPS_PROXY); TLS hides the requests themselves',
    seesRequests,
    env: { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NO_PROXY: '' },
    mark: () => proxy.requests.length,
    since: (mark) =>
      proxy.requests.slice(mark).map((request) => {
        const entry: IdpRequest = {
          method: request.method,
          path: new URL(request.url).pathname,
          at: request.at,
        };
        if (request.grantType) entry.grantType = request.grantType;
        return entry;
      }),
    stop: () => proxy.stop(),
  };
}

/**
 * The meter for a target: a forward proxy for a plain-HTTP IdP (sees only oidcflow's
 * requests, never the browser's), else the IdP's own log (the embedded IdP over HTTPS), else
 * a proxy that counts TLS connections only (an external HTTPS IdP).
 */
export async function createTrafficMeter(target: RunningTarget): Promise<TrafficMeter> {
  if (new URL(target.issuer).protocol === 'http:') return proxyMeter(await startCountingProxy(), true);
  const log = target.requestLog;
  if (!log) return proxyMeter(await startCountingProxy(), false);
  const fromOidcflow = (request: IdpRequest) =>
    !request.userAgent || request.userAgent.startsWith('oidcflow/');
  return {
    method: "counted in the IdP's own request log",
    seesRequests: true,
    env: {},
    mark: () => log.entries().length,
    since: (mark) => log.entries().slice(mark).filter(fromOidcflow),
    stop: async () => {},
  };
}

/** Requests that fetched discovery metadata. */
export function discoveryRequests(requests: readonly IdpRequest[]): IdpRequest[] {
  return requests.filter((request) => request.path.includes('/.well-known/'));
}

/** Token endpoint requests of one grant type. */
export function grantRequests(requests: readonly IdpRequest[], grantType: string): IdpRequest[] {
  return requests.filter((request) => request.grantType === grantType);
}

export function describeRequests(requests: readonly IdpRequest[]): string {
  if (requests.length === 0) return 'none';
  return requests.map((r) => `${r.method} ${r.path}${r.grantType ? ` (${r.grantType})` : ''}`).join(', ');
}
