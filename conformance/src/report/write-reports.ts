import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MatrixReport } from '../matrix/cell.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';

export interface WrittenReports {
  json: string;
  markdown: string;
  html: string;
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
  await writeFile(files.markdown, renderMarkdown(report));
  await writeFile(files.html, renderHtml(report));
  return files;
}
