// The product source files of a folder and the modules each imports: what the lint checks
// (check-import-cycles.mjs, check-layers.mjs) read. Test files are not product code.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** A TypeScript source that is not a test or a declaration file. */
export function isProductSource(path) {
  return /\.(ts|mts|tsx)$/.test(path) && !/\.(test|spec|d)\.[mc]?tsx?$/.test(path);
}

/** Every product source below `directory` (node_modules and dist left out). */
export function listSources(directory) {
  const files = [];
  for (const entry of readdirSync(directory)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    const path = join(directory, entry);
    if (statSync(path).isDirectory()) files.push(...listSources(path));
    else if (isProductSource(path)) files.push(path);
  }
  return files;
}

// import … from '…', export … from '…', import '…', import('…')
const specifierPattern =
  /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The module specifiers a file imports or re-exports (comments left out), type-only ones too. */
export function specifiersOf(file) {
  const text = readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  return [...text.matchAll(specifierPattern)].map((match) => match[1] ?? match[2]);
}
