import type { CellResult, MatrixReport } from '../matrix/cell.js';

/** One table per plugin: scenarios down, targets across. Shared by every report format. */
export interface PluginTable {
  plugin: string;
  targets: string[];
  rows: Array<{ scenario: string; cells: Array<CellResult | undefined> }>;
}

export function pluginTables(report: MatrixReport): PluginTable[] {
  const targets = report.targets.map((target) => target.name);
  return report.plugins.map((plugin) => {
    const cells = report.cells.filter((cell) => cell.plugin === plugin);
    const scenarios = report.scenarios.filter((scenario) => cells.some((cell) => cell.scenario === scenario));
    return {
      plugin,
      targets,
      rows: scenarios.map((scenario) => ({
        scenario,
        cells: targets.map((target) =>
          cells.find((cell) => cell.target === target && cell.scenario === scenario),
        ),
      })),
    };
  });
}

export const STATUS_MARK = { passed: 'pass', failed: 'FAIL', skipped: 'skip' } as const;

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
