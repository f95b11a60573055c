import type { OidcAuthOptions } from '@oidcflow/core';
import type { CellHarness } from '../matrix/cell-harness.js';
import type { CountingProxy } from '../support/counting-proxy.js';
import type { DeviceTiming, IdpRequest, ScriptedTokenError, TargetClient } from '../targets/target.js';
import { deviceScriptUnavailable, tokenScriptOf } from './device-script.js';
import { realDeviceTimingOf, startDeviceTimingProxy } from './device-timing.js';
import type { Scenario } from './scenario.js';

/** The proxy in front of a real IdP, and the auth options that use it with the timing client. */
export interface TimingProxyRun {
  proxy: CountingProxy;
  /** The timing client's id and scopes, and the environment that goes through the proxy. */
  overrides: Partial<OidcAuthOptions>;
  timing: DeviceTiming;
}

/**
 * A device-flow scenario about poll timing, which runs one of two ways: the embedded IdP is
 * told what to answer the first polls (`scripted.polls`; `run` reads the IdP's requests from
 * then on); a real IdP (Keycloak) with short-lived or
 * rate-limited clients is driven through a timing proxy that tells oidcflow `advertise` in
 * place of the IdP's own value (`atTheIdp`, the proxy stopped after it). A target offering
 * neither is not applicable, with its own reason.
 */
export function deviceTimingScenario(spec: {
  name: string;
  summary: string;
  scripted: {
    polls: readonly ScriptedTokenError[];
    run(cell: CellHarness, requestsSince: () => readonly IdpRequest[]): Promise<string>;
  };
  atTheIdp: {
    client(timing: DeviceTiming): TargetClient;
    /** Fields of the device authorization response the proxy replaces, e.g. `{ interval: 1 }`. */
    advertise: Readonly<Record<string, number>>;
    run(cell: CellHarness, through: TimingProxyRun): Promise<string>;
  };
}): Scenario {
  const { scripted, atTheIdp } = spec;
  const runScripted = (cell: CellHarness) => {
    // Skips with the target's reason where its polls cannot be scripted.
    tokenScriptOf(cell.target).scriptDevicePolls(cell.client.clientId, scripted.polls);
    const meter = cell.meter();
    const mark = meter.mark();
    return scripted.run(cell, () => meter.since(mark));
  };
  return {
    name: spec.name,
    summary: spec.summary,
    flowKinds: ['device'],
    notApplicable: (target) => (realDeviceTimingOf(target) ? undefined : deviceScriptUnavailable(target)),
    async run(cell) {
      const timing = cell.target.tokenScript ? undefined : realDeviceTimingOf(cell.target);
      if (!timing) return runScripted(cell);
      const client = atTheIdp.client(timing);
      const { proxy, env } = await startDeviceTimingProxy(cell, (body) => ({
        ...body,
        ...atTheIdp.advertise,
      }));
      try {
        return await atTheIdp.run(cell, {
          proxy,
          overrides: { clientId: client.clientId, scopes: client.scopes, env },
          timing,
        });
      } finally {
        await proxy.stop();
      }
    },
  };
}
