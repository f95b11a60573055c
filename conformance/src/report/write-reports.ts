import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MatrixReport } from '../matrix/cell.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';

export interface WrittenReports {
  json: string;
  markdown: string;
  html: string;
}

/** The failed cells' screenshots as base64, for the HTML page to embed (a missing file is left out). */
async function readScreenshots(report: MatrixReport): Promise<Map<string, string>> {
  const screenshots = new Map<string, string>();
  for (const cell of report.cells) {
    const path = cell.evidence?.screenshot;
    if (!path || screenshots.has(path)) continue;
    const data = await readFile(path).catch(() => undefined);
    if (data) screenshots.set(path, data.toString('base64'));
  }
  return screenshots;
}

/** Writes matrix.json, matrix.md and matrix.html into `directory` (created if needed). */
export async function writeReports(report: MatrixReport, directory: string): Promise<WrittenReports> {
  await mkdir(directory, { recursive: true });
  const files = {
    json: join(directory, 'matrix.json'),
    markdown: join(directory, 'matrix.md'),
    html: join(directory, 'matrix.html'),
  };
  await writeFile(files.json, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(files.markdown, renderMarkdown(report, directory));
  await writeFile(files.html, renderHtml(report, await readScreenshots(report)));
  return files;
}
