import type { CellHarness } from '../matrix/cell-harness.js';
import type { FlowKind, Subject } from '../matrix/subject.js';
import type { RunningTarget } from '../targets/target.js';

/**
 * One behaviour checked against one plugin and one target. `run` returns what it showed
 * (the cell's detail), throws `ScenarioSkip` when it cannot run here, and throws anything
 * else to fail.
 */
export interface Scenario {
  name: string;
  /** One line: what a pass proves. */
  summary: string;
  /** The kinds of flow it is written for. */
  flowKinds: readonly FlowKind[];
  /** Also run for third-party cache plugins (it exercises the cache) / IdP plugins. */
  forCachePlugins?: boolean;
  forIdpPlugins?: boolean;
  /** Written for the workload identity row (a platform token spent at the IdP), and only for it. */
  forWorkload?: boolean;
  /** Why this target cannot run it, when it cannot: the cell is grey with that reason. */
  notApplicable?(target: RunningTarget, subject: Subject): string | undefined;
  run(cell: CellHarness): Promise<string>;
}

export { check, expectErrorCode, ScenarioFailure, ScenarioSkip } from './scenario-outcome.js';
