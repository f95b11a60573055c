import type { CellHarness } from '../matrix/cell-harness.js';
import { type CountingProxy, type JsonRewrite, startCountingProxy } from '../support/counting-proxy.js';
import type { DeviceTiming, RunningTarget } from '../targets/target.js';

/**
 * A real IdP's device timing, where the scenario can use it: the IdP declares device clients
 * with their own timing (`deviceTiming`) and speaks plain HTTP, so a proxy can rewrite the
 * device authorization response that reaches the client.
 */
export function realDeviceTimingOf(target: RunningTarget): DeviceTiming | undefined {
  if (!target.deviceTiming) return undefined;
  return new URL(target.issuer).protocol === 'http:' ? target.deviceTiming : undefined;
}

/** The proxy in front of the IdP for one cell, and the environment that sends oidcflow through it. */
export interface DeviceTimingProxy {
  proxy: CountingProxy;
  env: NodeJS.ProcessEnv;
}

/**
 * Starts a proxy that rewrites the target's device authorization response with `rewrite` and
 * records every token answer; the cell's auth objects use it through HTTP_PROXY. The caller
 * stops it.
 */
export async function startDeviceTimingProxy(
  cell: CellHarness,
  rewrite: JsonRewrite['rewrite'],
): Promise<DeviceTimingProxy> {
  const endpoint = (await cell.metadata()).device_authorization_endpoint;
  if (typeof endpoint !== 'string')
    throw new Error(`${cell.target.name} advertises no device_authorization_endpoint`);
  const proxy = await startCountingProxy({ rewrite: { pathSuffix: new URL(endpoint).pathname, rewrite } });
  return {
    proxy,
    env: { ...cell.environment(), HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NO_PROXY: '' },
  };
}

/** `poll 2 at 1.0 s: slow_down` lines for a failure message. */
export function describePolls(
  polls: readonly { at: number; oauthError?: string; status?: number }[],
): string {
  const first = polls[0]?.at ?? 0;
  return polls
    .map(
      (poll, index) =>
        `poll ${index + 1} at ${((poll.at - first) / 1000).toFixed(1)} s: ${poll.oauthError ?? poll.status ?? 'no answer'}`,
    )
    .join('; ');
}
