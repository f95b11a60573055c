#!/usr/bin/env node
// pnpm bench [name-filter ...]
//
// Builds the workspace (turbo: a no-op when nothing changed), runs every benchmark module
// bench/*.bench.mjs, each in a process of its own, prints one table, and writes
// bench/RESULTS.md with the machine and the date (only when every module ran): the table of
// the running Node major version is replaced, other versions' tables and hand-written text kept.
//
// A benchmark module default-exports an async function that receives { root, log } and
// returns rows { figure, oidcflow, baseline, ratio, goal, unit? }:
//   figure    what is measured, starting with its label, e.g. "(a) new process: …"
//   oidcflow  oidcflow's figure; baseline: the same thing done without oidcflow (or null)
//   ratio     oidcflow / baseline (or null)
//   goal      "≤ 1.10" / "≥ 0.5" (checked against ratio, else oidcflow), "1" (oidcflow must
//             equal it), or "—" (reported, no goal)
// It may also export `title` and `notes` (a sentence on how it measures), shown in RESULTS.md.
// Modules time interleaved runs and report medians; nothing here asserts on speed.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const benchDirectory = join(root, 'bench');
const RESULT_MARKER = 'OIDCFLOW_BENCH_ROWS ';

/** Child mode: runs one module and prints its rows on one marked line. */
async function runModule(file) {
  const module = await import(pathToFileURL(file).href);
  const log = (message) => process.stderr.write(`  ${message}\n`);
  const rows = await module.default({ root, log });
  const result = { title: module.title ?? null, notes: module.notes ?? null, rows };
  process.stdout.write(`${RESULT_MARKER}${JSON.stringify(result)}\n`);
  // A module that left a handle open (a server, a timer) must not hold the run.
  process.exit(0);
}

async function main(filters) {
  const build = spawnSync('pnpm', ['exec', 'turbo', 'run', 'build', '--output-logs=errors-only'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
  });
  if (build.status !== 0) {
    console.error('oidcflow bench: the build failed; fix it and run again.');
    process.exit(1);
  }

  const modules = readdirSync(benchDirectory)
    .filter((name) => name.endsWith('.bench.mjs'))
    .sort();
  const selected = modules.filter(
    (name) => filters.length === 0 || filters.some((filter) => name.includes(filter)),
  );
  if (selected.length === 0) {
    console.error(
      `oidcflow bench: no module in bench/ matches ${filters.join(', ')} (have: ${modules.join(', ')}).`,
    );
    process.exit(1);
  }

  const sections = [];
  let failed = false;
  for (const name of selected) {
    console.error(`\n${name}`);
    const run = spawnSync(
      process.execPath,
      [fileURLToPath(import.meta.url), '--run-module', join(benchDirectory, name)],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'inherit'],
        encoding: 'utf8',
        timeout: 15 * 60_000,
      },
    );
    const line = run.stdout?.split('\n').find((text) => text.startsWith(RESULT_MARKER));
    if (run.status !== 0 || !line) {
      console.error(`oidcflow bench: ${name} failed (exit ${run.status ?? run.signal}).`);
      failed = true;
      continue;
    }
    sections.push({ module: name, ...JSON.parse(line.slice(RESULT_MARKER.length)) });
  }

  const rows = sections.flatMap((section) => section.rows);
  console.log(`\n${textTable(rows)}`);
  if (filters.length === 0 && !failed) {
    const resultsFile = join(benchDirectory, 'RESULTS.md');
    const previous = existsSync(resultsFile) ? readFileSync(resultsFile, 'utf8') : undefined;
    writeFileSync(resultsFile, resultsMarkdown(sections, previous));
    console.log('\nWrote bench/RESULTS.md');
  } else {
    console.log('\nbench/RESULTS.md is written only by a complete run (no filter, no failure).');
  }
  process.exit(failed ? 1 : 0);
}

function formatNumber(value) {
  if (value === null || value === undefined) return '—';
  if (typeof value !== 'number') return String(value);
  if (Number.isInteger(value)) return value.toLocaleString('en');
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : Math.abs(value) >= 0.1 ? 2 : 3;
  return value.toFixed(digits);
}

/** "yes", "no", or "—" when the goal is informative only. */
function goalMet(row) {
  const goal = String(row.goal ?? '—').trim();
  const bound = /^(≤|<=|≥|>=)\s*([\d.]+)$/.exec(goal);
  if (bound) {
    const measured = typeof row.ratio === 'number' ? row.ratio : row.oidcflow;
    if (typeof measured !== 'number') return '—';
    const limit = Number(bound[2]);
    return (bound[1] === '≤' || bound[1] === '<=' ? measured <= limit : measured >= limit) ? 'yes' : 'no';
  }
  const exact = /^=?\s*([\d.]+)$/.exec(goal);
  if (exact && typeof row.oidcflow === 'number') return row.oidcflow === Number(exact[1]) ? 'yes' : 'no';
  return '—';
}

function cells(row) {
  const unit = row.unit ? ` ${row.unit}` : '';
  const withUnit = (value) => (value === null || value === undefined ? '—' : `${formatNumber(value)}${unit}`);
  return [
    row.figure,
    withUnit(row.oidcflow),
    withUnit(row.baseline),
    formatNumber(row.ratio),
    row.goal ?? '—',
    goalMet(row),
  ];
}

const HEADER = ['figure', 'oidcflow', 'baseline', 'ratio', 'goal', 'met'];

function textTable(rows) {
  const lines = [HEADER, ...rows.map(cells)];
  const widths = HEADER.map((_, column) => Math.max(...lines.map((line) => String(line[column]).length)));
  const format = (line) =>
    line
      .map((cell, column) => String(cell).padEnd(widths[column]))
      .join('  ')
      .trimEnd();
  return [
    format(lines[0]),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...lines.slice(1).map(format),
  ].join('\n');
}

/** A Markdown table laid out as biome formats one: padded cells, numbers right-aligned. */
function markdownTable(rows) {
  const escapePipes = (cell) => String(cell).replaceAll('|', '\\|');
  const lines = [HEADER, ...rows.map((row) => cells(row).map(escapePipes))];
  const widths = HEADER.map((_, column) => Math.max(3, ...lines.map((line) => line[column].length)));
  const pad = (cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]));
  const separator = widths.map((width, column) =>
    column === 0 ? '-'.repeat(width) : `${'-'.repeat(width - 1)}:`,
  );
  return [lines[0], separator, ...lines.slice(1)]
    .map(
      (line, index) =>
        `| ${line.map((cell, column) => (index === 1 ? cell : pad(cell, column))).join(' | ')} |`,
    )
    .join('\n');
}

/** A block of RESULTS.md that a run replaces: between `<!-- name -->` and `<!-- /name -->`. */
function replaceBlock(text, name, content, before) {
  const open = `<!-- ${name} -->`;
  const close = `<!-- /${name} -->`;
  const block = `${open}\n${content}\n${close}`;
  // A marker counts on a line of its own: notes that name one in their prose stay as they are.
  const lineAt = (marker) =>
    text.search(new RegExp(`^${marker.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
  const start = lineAt(open);
  const end = lineAt(close);
  if (start !== -1 && end > start) return text.slice(0, start) + block + text.slice(end + close.length);
  const at = before === undefined ? -1 : text.indexOf(before);
  if (at === -1) return `${text.trimEnd()}\n\n${block}\n`;
  return `${text.slice(0, at)}${block}\n\n${text.slice(at)}`;
}

const RESULTS_HEAD = [
  '# Benchmark results',
  '',
  'Tables are written by `pnpm bench` (scripts/bench.mjs), one per Node major version: a run',
  'replaces the table of the Node that ran it (between its `node-N` comment markers) and keeps',
  'the others. Text outside the markers is by hand.',
].join('\n');

/**
 * RESULTS.md with this run's table for the running Node's major version and the benchmarks'
 * notes replaced; other Node versions' tables and the hand-written text are kept.
 */
function resultsMarkdown(sections, previous) {
  const processors = cpus();
  const machine = [
    `${processors.length} × ${processors[0]?.model?.trim() ?? 'unknown CPU'}`,
    `${Math.round(totalmem() / 2 ** 30)} GiB`,
    `${process.platform} ${release()} ${process.arch}`,
  ].join(', ');
  const major = process.versions.node.split('.')[0];
  const table = [
    `## Node ${process.version}`,
    '',
    `- Date: ${new Date().toISOString()}`,
    `- Machine: ${machine}, load average at the start ${loadavg()
      .map((value) => value.toFixed(1))
      .join(' / ')}`,
    '',
    markdownTable(sections.flatMap((section) => section.rows)),
    '',
    '"met" compares the ratio (or, for counts, the oidcflow figure) with the goal. Timings are medians of interleaved runs on a shared machine; compare ratios, not absolute times.',
  ].join('\n');
  const notes = ['## How each benchmark measures'];
  for (const section of sections) {
    notes.push(
      '',
      `### ${section.title ?? section.module}`,
      '',
      `\`bench/${section.module}\`${section.notes ? `: ${section.notes}` : ''}`,
    );
  }
  // A file from before the markers is replaced whole.
  let text = previous?.includes('<!-- node-') ? previous : `${RESULTS_HEAD}\n`;
  text = replaceBlock(text, `node-${major}`, table, '<!-- notes -->');
  text = replaceBlock(text, 'notes', notes.join('\n'));
  return `${text.trimEnd()}\n`;
}

// Last, so that every constant above is initialised before it runs.
if (process.argv[2] === '--run-module') {
  await runModule(process.argv[3]);
} else {
  await main(process.argv.slice(2));
}
