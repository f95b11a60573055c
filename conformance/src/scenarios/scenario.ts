import { OidcflowError } from '@oidcflow/core';
import type { SkipCause } from '../matrix/cell.js';
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
  /** Why this target cannot run it, when it cannot: the cell is grey with that reason. */
  notApplicable?(target: RunningTarget, subject: Subject): string | undefined;
  run(cell: CellHarness): Promise<string>;
}

export class ScenarioSkip extends Error {
  override readonly name = 'ScenarioSkip';
  constructor(
    message: string,
    readonly skipCause: SkipCause,
  ) {
    super(message);
  }
}

/** A failed expectation; the message is the cell's detail, so it must never hold a token. */
export class ScenarioFailure extends Error {
  override readonly name = 'ScenarioFailure';
}

export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new ScenarioFailure(message);
}

/** Runs `action`, which must fail with an OidcflowError of `code`; returns that error. */
export async function expectErrorCode(action: () => Promise<unknown>, code: string): Promise<OidcflowError> {
  try {
    await action();
  } catch (error) {
    if (OidcflowError.isInstance(error) && error.code === code) return error;
    const got = OidcflowError.isInstance(error) ? `${error.code}: ${error.message}` : String(error);
    throw new ScenarioFailure(`expected ${code}, got ${got}`);
  }
  throw new ScenarioFailure(`expected ${code}, but it succeeded`);
}
