#!/usr/bin/env node
// Writes docs/api.md: every name each published entry point exports, with its kind and one
// line on what it is. The list is the public surface, the semver promise: a name added or
// removed without regenerating the file fails `--check` (conformance/test/api-report.test.ts).
//
//   node scripts/api-report.mjs            regenerate docs/api.md (after `pnpm build`)
//   node scripts/api-report.mjs --check    exit 1 when docs/api.md is stale or a name has no line
//
// The one-line descriptions are kept from the file when it has them; a new name starts with
// the first sentence of its doc comment, or "(undocumented)" which `--check` refuses.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const checkOnly = args.includes('--check');
const fileArgument = args.indexOf('--file');
const reportFile = fileArgument >= 0 ? resolve(args[fileArgument + 1]) : join(root, 'docs', 'api.md');
const UNDOCUMENTED = '(undocumented)';

const packageDirectories = [
  ...readdirSync(join(root, 'packages'))
    .sort()
    .map((name) => join(root, 'packages', name)),
  join(root, 'conformance'),
  ...readdirSync(join(root, 'targets'))
    .sort()
    .map((name) => join(root, 'targets', name)),
].filter((directory) => existsSync(join(directory, 'package.json')));

/** `dist/testing/index.js` is built from `src/testing/index.ts`. */
function sourceOf(distPath) {
  return distPath.replace(/^\.\/dist\//, './src/').replace(/\.js$/, '.ts');
}

/** The names an index file re-exports, each with the module it comes from. */
function exportedNames(indexFile) {
  const text = readFileSync(indexFile, 'utf8');
  const names = [];
  for (const match of text.matchAll(/export\s+(type\s+)?\{([^}]*)\}\s+from\s+['"]([^'"]+)['"]/g)) {
    const allTypes = Boolean(match[1]);
    const from = resolve(dirname(indexFile), match[3].replace(/\.js$/, '.ts'));
    for (const part of match[2].split(',')) {
      const item = part.trim();
      if (!item) continue;
      const typeOnly = allTypes || item.startsWith('type ');
      const [original, alias] = item.replace(/^type\s+/, '').split(/\s+as\s+/);
      names.push({ name: alias ?? original, original, from, typeOnly });
    }
  }
  return names;
}

const declarationKinds = '(?:abstract\\s+)?(class|interface|type|enum|function|const|let)';

/** Kind and first doc sentence of a declaration, following one level of re-export. */
function describeDeclaration(file, name, depth = 0) {
  if (!existsSync(file) || depth > 3) return { kind: undefined, doc: undefined };
  const text = readFileSync(file, 'utf8');
  const pattern = new RegExp(
    `((?:/\\*\\*(?:(?!\\*/)[\\s\\S])*\\*/\\s*)?)export\\s+(?:declare\\s+)?(?:async\\s+)?${declarationKinds}\\s+${name}\\b`,
  );
  const match = text.match(pattern);
  if (match) {
    const doc = match[1]
      .replace(/^\/\*\*|\*\/\s*$/g, '')
      .split('\n')
      .map((line) => line.replace(/^\s*\*\s?/, '').trim())
      .filter((line) => line && !line.startsWith('@'))
      .join(' ')
      .trim();
    const sentence = (doc.match(/^(.+?[.:])(\s|$)/)?.[1] ?? doc).replace(/:$/, '.');
    return { kind: match[2], doc: sentence || undefined };
  }
  for (const entry of exportedNames(file)) {
    if (entry.name === name) return describeDeclaration(entry.from, entry.original, depth + 1);
  }
  return { kind: undefined, doc: undefined };
}

function runtimeKind(value) {
  if (typeof value === 'function')
    return /^class\b/.test(Function.prototype.toString.call(value)) ? 'class' : 'function';
  if (value === null) return 'constant';
  return typeof value === 'object' ? 'object' : `${typeof value} constant`;
}

/** `| \`name\` | kind | description |` rows of the current file, by "entry name". */
function currentDescriptions() {
  const descriptions = new Map();
  if (!existsSync(reportFile)) return descriptions;
  let entry = '';
  for (const line of readFileSync(reportFile, 'utf8').split('\n')) {
    const heading = line.match(/^## `(.+)`$/);
    if (heading) entry = heading[1];
    const row = line.match(/^\| `([^`]+)` \| [^|]+ \| (.*) \|$/);
    if (row && row[2] !== UNDOCUMENTED) descriptions.set(`${entry} ${row[1]}`, row[2]);
  }
  return descriptions;
}

const kept = currentDescriptions();
const sections = [];
const undocumented = [];
for (const directory of packageDirectories) {
  const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8'));
  for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
    if (typeof target !== 'object' || !target.default) continue;
    const entry = subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`;
    const built = join(directory, target.default);
    if (!existsSync(built)) throw new Error(`${relative(root, built)} is missing: run pnpm build first`);
    const runtime = await import(pathToFileURL(built).href);
    const indexFile = join(directory, sourceOf(target.default));
    const rows = [];
    for (const exported of exportedNames(indexFile)) {
      const declared = describeDeclaration(exported.from, exported.original);
      const kind =
        exported.name in runtime ? runtimeKind(runtime[exported.name]) : `type (${declared.kind ?? 'type'})`;
      const description = kept.get(`${entry} ${exported.name}`) ?? declared.doc ?? UNDOCUMENTED;
      if (description === UNDOCUMENTED) undocumented.push(`${entry} ${exported.name}`);
      rows.push({ name: exported.name, kind, description });
    }
    // A runtime name the index does not list (export *, a default export) still counts.
    for (const name of Object.keys(runtime)) {
      if (rows.some((row) => row.name === name)) continue;
      const description = kept.get(`${entry} ${name}`) ?? UNDOCUMENTED;
      if (description === UNDOCUMENTED) undocumented.push(`${entry} ${name}`);
      rows.push({ name, kind: runtimeKind(runtime[name]), description });
    }
    rows.sort((a, b) => a.name.localeCompare(b.name));
    sections.push(
      [
        `## \`${entry}\``,
        '',
        `${rows.length} names, from \`${relative(root, indexFile)}\`.`,
        '',
        '| name | kind | what it is |',
        '| --- | --- | --- |',
        ...rows.map((row) => `| \`${row.name}\` | ${row.kind} | ${row.description.replaceAll('|', '\\|')} |`),
      ].join('\n'),
    );
  }
}

const report = `${[
  '# Public API',
  '',
  'Every name each published entry point exports: the surface semver promises. Generated by',
  '`node scripts/api-report.mjs` after `pnpm build`; edit only the "what it is" column, then',
  'run the script again. A test fails when the exports change and this file was not regenerated.',
  '',
  ...sections.flatMap((section) => [section, '']),
]
  .join('\n')
  .trimEnd()}\n`;

if (checkOnly) {
  const current = existsSync(reportFile) ? readFileSync(reportFile, 'utf8') : '';
  const problems = [];
  if (current !== report) problems.push(`${relative(root, reportFile)} is not what the exports are now`);
  if (undocumented.length > 0) problems.push(`undocumented: ${undocumented.join(', ')}`);
  if (problems.length > 0) {
    console.error(
      `api report: ${problems.join('; ')}. Run node scripts/api-report.mjs and describe new names.`,
    );
    process.exitCode = 1;
  } else {
    console.log(`api report: ${relative(root, reportFile)} lists every export, each described`);
  }
} else {
  writeFileSync(reportFile, report);
  console.log(`api report: wrote ${relative(root, reportFile)} (${undocumented.length} undocumented)`);
}
