import type { Scenario } from '../scenarios/scenario.js';
import type { Subject } from './subject.js';

/** One cell to run: known before any target starts, so a test runner can declare it up front. */
export interface PlannedCell {
  plugin: string;
  target: string;
  scenario: string;
}

/** Whether `scenario` is a row for `subject` at all (cells that are not are blank, not skipped). */
export function scenarioApplies(scenario: Scenario, subject: Subject): boolean {
  if (!scenario.flowKinds.includes(subject.flowKind)) return false;
  if ((subject.workload === true) !== (scenario.forWorkload === true)) return false;
  if (subject.pluginKind === 'cache') return scenario.forCachePlugins === true;
  if (subject.pluginKind === 'idp') return scenario.forIdpPlugins === true;
  return true;
}

export function planCells(
  subjects: readonly Subject[],
  targets: readonly string[],
  scenarios: readonly Scenario[],
): PlannedCell[] {
  const cells: PlannedCell[] = [];
  for (const subject of subjects)
    for (const scenario of scenarios) {
      if (!scenarioApplies(scenario, subject)) continue;
      for (const target of targets) cells.push({ plugin: subject.label, target, scenario: scenario.name });
    }
  return cells;
}
