import type { RunningTarget, TokenScript } from '../targets/target.js';
import { ScenarioSkip } from './scenario.js';

/** Why the target's device polls cannot be scripted, or undefined when they can. */
export function deviceScriptUnavailable(target: RunningTarget): string | undefined {
  if (target.tokenScript) return undefined;
  return (
    target.capabilities.deviceScriptUnavailable ??
    `${target.name} cannot be told what to answer a device poll`
  );
}

export function tokenScriptOf(target: RunningTarget): TokenScript {
  if (!target.tokenScript) throw new ScenarioSkip(deviceScriptUnavailable(target) ?? '', 'not-applicable');
  return target.tokenScript;
}
