import { join, resolve } from 'node:path';
import { beforeAll, describe, it } from 'vitest';
import type { MatrixReport, SkipCause } from '../matrix/cell.js';
import { planCells } from '../matrix/plan.js';
import { requiredFromEnv } from '../matrix/require.js';
import { runMatrix } from '../matrix/run-matrix.js';
import type { Subject } from '../matrix/subject.js';
import { renderTextTable } from '../report/text-table.js';
import { writeReports } from '../report/write-reports.js';
import { SCENARIOS } from '../scenarios/index.js';
import type { Scenario } from '../scenarios/scenario.js';
import { createTarget, type TargetName } from '../targets/registry.js';
import type { ConformanceTarget } from '../targets/target.js';

export interface MatrixTestOptions {
  subjects: readonly Subject[];
  targets: readonly TargetName[];
  scenarios?: readonly Scenario[];
  /** Write matrix.json, .md and .html here after the run. */
  reportDir?: string;
  /** Print the table after the run. @default true */
  print?: boolean;
  /** How long the whole matrix may take. @default 15 minutes */
  timeoutMs?: number;
  required?: ReadonlySet<SkipCause>;
  /** How a target is made. @default createTarget (each starts its own server) */
  targetFor?: (name: TargetName) => ConformanceTarget;
}

/**
 * Declares one vitest test per cell of the matrix, then runs the whole matrix once (in
 * `beforeAll`, so each target starts once) and lets each test report its cell: passed,
 * failed with the cell's detail, or skipped with the reason. Call it inside a test file.
 */
export function declareMatrixTests(options: MatrixTestOptions): void {
  const scenarios = options.scenarios ?? SCENARIOS;
  const cells = planCells(options.subjects, options.targets, scenarios);
  if (cells.length === 0) return;
  let report: MatrixReport | undefined;
  let runError: unknown;
  beforeAll(
    async () => {
      try {
        report = await runMatrix({
          subjects: options.subjects,
          targets: options.targets.map((name) => (options.targetFor ?? createTarget)(name)),
          scenarios,
          required: options.required ?? requiredFromEnv(),
          ...(options.reportDir
            ? { artifactsDirectory: join(resolve(options.reportDir), 'screenshots') }
            : {}),
          // Target events and cells that did not pass, as they happen: a long run shows where it is.
          progress: (line) => {
            if (!line.includes(': passed (')) process.stderr.write(`conformance: ${line}\n`);
          },
        });
      } catch (error) {
        runError = error;
        return;
      }
      if (options.reportDir) await writeReports(report, resolve(options.reportDir));
      if (options.print ?? true) process.stdout.write(`${renderTextTable(report)}\n`);
    },
    options.timeoutMs ?? 15 * 60_000,
  );

  const byPlugin = new Map<string, typeof cells>();
  for (const cell of cells) byPlugin.set(cell.plugin, [...(byPlugin.get(cell.plugin) ?? []), cell]);
  for (const [plugin, pluginCells] of byPlugin) {
    describe(plugin, () => {
      for (const planned of pluginCells) {
        it(`${planned.target} × ${planned.scenario}`, (context) => {
          if (runError) throw runError;
          const cell = report?.cells.find(
            (candidate) =>
              candidate.plugin === planned.plugin &&
              candidate.target === planned.target &&
              candidate.scenario === planned.scenario,
          );
          if (!cell) throw new Error('the matrix did not run this cell');
          if (cell.status === 'failed') throw new Error(cell.detail);
          if (cell.status === 'skipped') context.skip(cell.detail);
        });
      }
    });
  }
}
