import { OidcflowError } from '@oidcflow/core';
import { CellSkip } from '../matrix/cell.js';

// How a scenario ends other than passing. Its own module so the cell harness can throw
// these without importing the Scenario interface, which names the harness.

/** The scenario does not apply to this target or plugin. */
export class ScenarioSkip extends CellSkip {
  override readonly name = 'ScenarioSkip';
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
