import type { CellHarness } from '../matrix/cell-harness.js';
import type { DeviceTiming } from '../targets/target.js';
import { deviceScriptUnavailable } from './device-script.js';
import { realDeviceTimingOf } from './device-timing.js';
import type { Scenario } from './scenario.js';

/**
 * A device-flow scenario about poll timing, which runs one of two ways: the embedded IdP is
 * told what to answer each poll (`scripted`); a real IdP (Keycloak) with short-lived or
 * rate-limited clients is driven through a timing proxy (`atTheIdp`). A target offering
 * neither is not applicable, with its own reason.
 */
export function deviceTimingScenario(spec: {
  name: string;
  summary: string;
  scripted(cell: CellHarness): Promise<string>;
  atTheIdp(cell: CellHarness, timing: DeviceTiming): Promise<string>;
}): Scenario {
  return {
    name: spec.name,
    summary: spec.summary,
    flowKinds: ['device'],
    notApplicable: (target) => (realDeviceTimingOf(target) ? undefined : deviceScriptUnavailable(target)),
    async run(cell) {
      if (cell.target.tokenScript) return spec.scripted(cell);
      const timing = realDeviceTimingOf(cell.target);
      if (!timing) return spec.scripted(cell); // Skips with the target's reason.
      return spec.atTheIdp(cell, timing);
    },
  };
}
