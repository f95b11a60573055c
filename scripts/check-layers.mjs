#!/usr/bin/env node
// Fails when product code imports against the layers of docs/architecture.md:
// - inside core, a folder imports only from its own layer or the layers below it
//   (auth/ → lifecycle/, fetch/ → registry/, protocol/ → config/, http/, … → spec/);
// - a plugin package imports only core (cache-keyring also the file cache it builds on).
// Type-only imports count: they tie the files together for a reader just the same.
// Run by `pnpm lint`, beside scripts/check-import-cycles.mjs.
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listSources, specifiersOf } from './product-sources.mjs';

// The repository root; a test passes another tree as the first argument.
const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));

/** Core's folders, outermost first: each may import from its own line and the lines below. */
export const CORE_LAYERS = [
  ['auth'],
  ['lifecycle', 'fetch'],
  ['registry', 'protocol', 'workload'],
  ['config', 'cache', 'discovery', 'http', 'ports', 'errors'],
  ['spec'],
];

/** The oidcflow packages each plugin package may import. */
export const PLUGIN_IMPORTS = {
  'flow-authcode': ['@oidcflow/core'],
  'flow-device': ['@oidcflow/core'],
  'flow-credentials': ['@oidcflow/core'],
  'cache-file': ['@oidcflow/core'],
  'cache-keyring': ['@oidcflow/core', '@oidcflow/cache-file'],
};

const layerOf = new Map(CORE_LAYERS.flatMap((folders, rank) => folders.map((folder) => [folder, rank])));

/** The core folder a file is in (`lifecycle`), or undefined for core's index.ts. */
function coreFolder(coreSource, file) {
  const parts = relative(coreSource, file).split(sep);
  return parts.length > 1 ? parts[0] : undefined;
}

const problems = [];
const coreSource = join(root, 'packages', 'core', 'src');
if (existsSync(coreSource)) {
  for (const file of listSources(coreSource)) {
    const from = coreFolder(coreSource, file);
    if (from === undefined) continue;
    const fromRank = layerOf.get(from);
    if (fromRank === undefined) {
      problems.push(`${relative(root, file)}: core folder ${from}/ has no layer in scripts/check-layers.mjs`);
      continue;
    }
    for (const specifier of specifiersOf(file)) {
      if (!specifier.startsWith('.')) continue;
      const to = coreFolder(coreSource, resolve(dirname(file), specifier));
      if (to === undefined || to === from) continue;
      const toRank = layerOf.get(to);
      if (toRank !== undefined && toRank < fromRank) {
        problems.push(`${relative(root, file)} (${from}/) imports ${specifier} (${to}/, a layer above it)`);
      }
    }
  }
}

for (const [name, allowed] of Object.entries(PLUGIN_IMPORTS)) {
  const source = join(root, 'packages', name, 'src');
  if (!existsSync(source)) continue;
  for (const file of listSources(source)) {
    for (const specifier of specifiersOf(file)) {
      const packageName = specifier.split('/').slice(0, 2).join('/');
      if (specifier.startsWith('@oidcflow/') && !allowed.includes(packageName)) {
        problems.push(
          `${relative(root, file)} imports ${specifier}: a plugin imports only ${allowed.join(', ')}`,
        );
      }
    }
  }
}

if (problems.length > 0) {
  console.error(
    `layers: ${problems.length} import(s) against docs/architecture.md:\n  ${problems.join('\n  ')}`,
  );
  process.exit(1);
}
console.log('layers: every import follows docs/architecture.md');
