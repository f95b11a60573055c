import { type MatrixReport, summaryLine } from '../matrix/cell.js';
import { pluginTables, STATUS_MARK, seconds } from './layout.js';

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** The matrix as Markdown: one table per plugin, each cell its status and detail. */
export function renderMarkdown(report: MatrixReport): string {
  const lines = [
    '# oidcflow conformance matrix',
    '',
    `Run ${report.startedAt}, wall time ${seconds(report.wallTimeMs)}, Node ${report.machine.node} on ${report.machine.platform} (${report.machine.cpus} CPUs).`,
    '',
    `**${summaryLine(report.summary)}**`,
    '',
    '| target | status | detail |',
    '| --- | --- | --- |',
    ...report.targets.map((t) => `| ${t.name} | ${t.status} | ${escapeCell(t.detail)} |`),
  ];
  for (const table of pluginTables(report)) {
    lines.push('', `## ${table.plugin}`, '');
    lines.push(`| scenario | ${table.targets.join(' | ')} |`);
    lines.push(`| --- | ${table.targets.map(() => '---').join(' | ')} |`);
    for (const row of table.rows) {
      const cells = row.cells.map((cell) =>
        cell ? `**${STATUS_MARK[cell.status]}** ${escapeCell(cell.detail)}` : '',
      );
      lines.push(`| ${row.scenario} | ${cells.join(' | ')} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}
