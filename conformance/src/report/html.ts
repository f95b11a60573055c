import escapeHtml from 'escape-html';
import { type CellResult, type MatrixReport, summaryLine } from '../matrix/cell.js';
import { pluginTables, STATUS_MARK, seconds } from './layout.js';

// Inline only: the page is a CI artifact opened from disk, so it must load nothing from elsewhere.
const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #1b1f23; }
table { border-collapse: collapse; margin-bottom: 2em; }
th, td { border: 1px solid #d0d7de; padding: 6px 8px; vertical-align: top; text-align: left; }
th { background: #f6f8fa; }
td.passed { background: #dafbe1; }
td.failed { background: #ffebe9; }
td.skipped { background: #eaeef2; color: #57606a; }
td .status { font-weight: 600; display: block; }
td .detail { font-size: 12px; display: block; max-width: 28em; overflow-wrap: anywhere; }
td .evidence { font-size: 12px; display: block; max-width: 28em; margin-top: 4px; }
td .evidence img { display: block; max-width: 28em; border: 1px solid #d0d7de; margin-top: 4px; }
.summary { font-size: 16px; font-weight: 600; }
`;

/** Screenshots by path, as base64 PNG (read by writeReports): the page embeds them, it loads nothing. */
export type ScreenshotData = ReadonlyMap<string, string>;

/** What a failed page script's page showed: its URL, its visible text, its screenshot. */
function evidenceHtml(cell: CellResult, screenshots: ScreenshotData): string {
  const evidence = cell.evidence;
  if (!evidence) return '';
  const image = evidence.screenshot ? screenshots.get(evidence.screenshot) : undefined;
  return (
    `<details class="evidence" open><summary>the page at ${escapeHtml(evidence.url)}</summary>` +
    `<span>${escapeHtml(evidence.visibleText)}</span>` +
    (image
      ? `<img alt="screenshot of ${escapeHtml(evidence.url)}" src="data:image/png;base64,${image}">`
      : evidence.screenshot
        ? `<span>screenshot: ${escapeHtml(evidence.screenshot)}</span>`
        : '') +
    '</details>'
  );
}

/** The matrix as one self-contained HTML page: green, red and grey cells, each with its detail. */
export function renderHtml(report: MatrixReport, screenshots: ScreenshotData = new Map()): string {
  const parts: string[] = [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; img-src data:">',
    '<title>oidcflow conformance matrix</title>',
    `<style>${STYLE}</style></head><body>`,
    '<h1>oidcflow conformance matrix</h1>',
    `<p>Run ${escapeHtml(report.startedAt)}, wall time ${seconds(report.wallTimeMs)}, Node ${escapeHtml(report.machine.node)} on ${escapeHtml(report.machine.platform)} (${report.machine.cpus} CPUs).</p>`,
    ...(report.browser ? [`<p>Browser: ${escapeHtml(report.browser)}.</p>`] : []),
    `<p class="summary">${escapeHtml(summaryLine(report.summary))}</p>`,
    '<table><tr><th>target</th><th>status</th><th>detail</th></tr>',
    ...report.targets.map(
      (t) =>
        `<tr><td>${escapeHtml(t.name)}</td><td class="${t.status === 'started' ? 'passed' : t.status === 'failed' ? 'failed' : 'skipped'}">${t.status}</td><td>${escapeHtml(t.detail)}</td></tr>`,
    ),
    '</table>',
  ];
  for (const table of pluginTables(report)) {
    parts.push(`<h2>${escapeHtml(table.plugin)}</h2>`, '<table><tr><th>scenario</th>');
    for (const target of table.targets) parts.push(`<th>${escapeHtml(target)}</th>`);
    parts.push('</tr>');
    for (const row of table.rows) {
      parts.push(`<tr><th>${escapeHtml(row.scenario)}</th>`);
      for (const cell of row.cells) {
        if (!cell) {
          parts.push('<td></td>');
          continue;
        }
        parts.push(
          `<td class="${cell.status}"><span class="status">${STATUS_MARK[cell.status]}</span>` +
            `<span class="detail">${escapeHtml(cell.detail)}</span>${evidenceHtml(cell, screenshots)}</td>`,
        );
      }
      parts.push('</tr>');
    }
    parts.push('</table>');
  }
  parts.push('</body></html>');
  return `${parts.join('\n')}\n`;
}
