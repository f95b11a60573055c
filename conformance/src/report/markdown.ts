import { relative } from 'node:path';
import { type MatrixReport, summaryLine } from '../matrix/cell.js';
import { pluginTables, STATUS_MARK, seconds } from './layout.js';

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/**
 * The matrix as Markdown: one table per plugin, each cell its status and detail; a failed page
 * script's screenshot is linked relative to `directory` (where matrix.md is written).
 */
export function renderMarkdown(report: MatrixReport, directory?: string): string {
  const lines = [
    '# oidcflow conformance matrix',
    '',
    `Run ${report.startedAt}, wall time ${seconds(report.wallTimeMs)}, Node ${report.machine.node} on ${report.machine.platform} (${report.machine.cpus} CPUs).`,
    ...(report.browser ? ['', `Browser: ${report.browser}.`] : []),
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
      const cells = row.cells.map((cell) => {
        if (!cell) return '';
        const screenshot = cell.evidence?.screenshot;
        const link = screenshot
          ? ` ([screenshot](${(directory ? relative(directory, screenshot) : screenshot).replace(/\\/g, '/')}))`
          : '';
        return `**${STATUS_MARK[cell.status]}** ${escapeCell(cell.detail)}${link}`;
      });
      lines.push(`| ${row.scenario} | ${cells.join(' | ')} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}
