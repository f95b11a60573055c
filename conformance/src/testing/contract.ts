import { type Plugin, SPECIFICATION_VERSION } from '@oidcflow/core';
import { describe, expect, it } from 'vitest';
import type { Subject } from '../matrix/subject.js';
import { SCENARIOS } from '../scenarios/index.js';
import type { TargetName } from '../targets/registry.js';
import { declareMatrixTests } from './declare-matrix.js';

/** What every contract suite (flow, IdP, cache) takes besides the plugin. */
export interface ContractOptions {
  /** The module that exports the plugin's `createPlugin`, so child processes (the race) can load it. */
  module?: string;
  /** Targets to run the scenarios on. @default ['oidc-provider-http', 'oidc-provider-https'] */
  targets?: readonly TargetName[];
  /** Only these scenarios (by name). @default all that apply */
  scenarios?: readonly string[];
  /** Write matrix.json, .md and .html here. */
  reportDir?: string;
}

export const DEFAULT_CONTRACT_TARGETS: readonly TargetName[] = ['oidc-provider-http', 'oidc-provider-https'];

/**
 * The first declaration test of every contract: the plugin says its kind and this
 * specification version, and has a name of the form `name` asks.
 */
export function itDeclaresItsKind(plugin: Plugin, kind: Plugin['kind'], label: string, name: RegExp): void {
  it(`is ${label} of this specification version`, () => {
    expect(plugin.kind).toBe(kind);
    expect(plugin.specificationVersion).toBe(SPECIFICATION_VERSION);
    expect(typeof plugin.name).toBe('string');
    expect(plugin.name).toMatch(name);
  });
}

/**
 * The scenario part of a contract: the matrix of `subjects` on the contract's targets, in a
 * `describe` named `title`. `scenarios: []` runs the declaration checks alone (an empty
 * describe would be an error).
 */
export function describeContractScenarios(
  title: string,
  subjects: readonly Subject[],
  options: ContractOptions,
): void {
  if (options.scenarios?.length === 0) return;
  describe(title, () => {
    declareMatrixTests({
      subjects,
      targets: options.targets ?? DEFAULT_CONTRACT_TARGETS,
      ...(options.scenarios
        ? { scenarios: SCENARIOS.filter((s) => options.scenarios?.includes(s.name)) }
        : {}),
      ...(options.reportDir ? { reportDir: options.reportDir } : {}),
    });
  });
}
