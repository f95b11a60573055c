import type { MatrixReport } from '../matrix/cell.js';
import { pluginTables, STATUS_MARK, seconds } from './layout.js';

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - text.length));
}

/** The matrix as plain-text tables for a terminal or a CI log, then the failures in full. */
export function renderTextTable(report: MatrixReport): string {
  const lines: string[] = [];
  for (const table of pluginTables(report)) {
    const header = ['scenario', ...table.targets];
    const body = table.rows.map((row) => [
      row.scenario,
      ...row.cells.map((cell) => (cell ? STATUS_MARK[cell.status] : '')),
    ]);
    const widths = header.map((_, column) =>
      Math.max(...[header, ...body].map((line) => (line[column] ?? '').length)),
    );
    lines.push('', table.plugin);
    lines.push(header.map((text, column) => pad(text, widths[column] ?? 0)).join('  '));
    lines.push(widths.map((width) => '-'.repeat(width)).join('  '));
    for (const line of body)
      lines.push(line.map((text, column) => pad(text, widths[column] ?? 0)).join('  '));
  }
  const targetLines = report.targets.map(
    (target) => `  ${target.name}: ${target.status}${target.detail ? ` — ${target.detail}` : ''}`,
  );
  lines.push('', 'targets:', ...targetLines);
  if (report.browser) lines.push('', `browser: ${report.browser}`);
  const failures = report.cells.filter((cell) => cell.status === 'failed');
  if (failures.length > 0) {
    lines.push('', 'failures:');
    for (const cell of failures) {
      lines.push(`  ${cell.plugin} × ${cell.target} × ${cell.scenario}: ${cell.detail}`);
      if (cell.evidence?.screenshot) lines.push(`    screenshot: ${cell.evidence.screenshot}`);
    }
  }
  lines.push('', `wall time ${seconds(report.wallTimeMs)}`);
  return lines.join('\n');
}
