#!/usr/bin/env node
// Fails when the product code (packages/*/src, conformance/src, targets/*/src) has an import cycle.
// A cycle means two modules cannot be read, tested or moved one without the other,
// so the arrows between parts must stay one-way (docs/architecture.md).
// Type-only imports count too: they tie the files together for a reader just the same.
// Only relative imports are followed; packages import each other through their built
// entries, and their one-way order is kept by the workspace dependencies.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isProductSource, listSources, specifiersOf } from './product-sources.mjs';

// The repository root; a test passes another tree as the first argument.
const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
const sourcesOf = (folder) =>
  (existsSync(join(root, folder)) ? readdirSync(join(root, folder)) : []).map((name) =>
    join(root, folder, name, 'src'),
  );
const sourceRoots = [
  ...sourcesOf('packages'),
  join(root, 'conformance', 'src'),
  ...sourcesOf('targets'),
].filter((path) => existsSync(path));

function resolveRelative(fromFile, specifier) {
  const base = resolve(dirname(fromFile), specifier);
  const candidates = [
    base.replace(/\.js$/, '.ts'),
    base.replace(/\.mjs$/, '.mts'),
    base,
    `${base}.ts`,
    join(base, 'index.ts'),
  ];
  return candidates.find((path) => existsSync(path) && statSync(path).isFile() && isProductSource(path));
}

const graph = new Map();
for (const sourceRoot of sourceRoots) {
  for (const file of listSources(sourceRoot)) {
    const targets = new Set();
    for (const specifier of specifiersOf(file)) {
      if (!specifier?.startsWith('.')) continue;
      const target = resolveRelative(file, specifier);
      if (target) targets.add(target);
    }
    graph.set(file, [...targets]);
  }
}

// Tarjan's strongly connected components: every component with more than one file
// (or a file importing itself) is a cycle.
let counter = 0;
const index = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const cycles = [];

function visit(start) {
  // Iterative, so deep import chains cannot overflow the call stack.
  const work = [[start, 0]];
  index.set(start, counter);
  low.set(start, counter);
  counter += 1;
  stack.push(start);
  onStack.add(start);
  while (work.length > 0) {
    const frame = work[work.length - 1];
    const [node, next] = frame;
    const edges = graph.get(node) ?? [];
    if (next < edges.length) {
      frame[1] += 1;
      const target = edges[next];
      if (!index.has(target)) {
        index.set(target, counter);
        low.set(target, counter);
        counter += 1;
        stack.push(target);
        onStack.add(target);
        work.push([target, 0]);
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node), index.get(target)));
      }
      continue;
    }
    work.pop();
    if (work.length > 0) {
      const parent = work[work.length - 1][0];
      low.set(parent, Math.min(low.get(parent), low.get(node)));
    }
    if (low.get(node) === index.get(node)) {
      const component = [];
      let member;
      do {
        member = stack.pop();
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || edges.includes(node)) cycles.push(component);
    }
  }
}

for (const file of graph.keys()) if (!index.has(file)) visit(file);

if (cycles.length === 0) {
  console.log(`import cycles: none in ${graph.size} product source files`);
} else {
  console.error(`import cycles: ${cycles.length} found in product code; make the arrows one-way:`);
  for (const component of cycles) {
    const members = new Set(component);
    console.error(`- ${component.length} files:`);
    for (const file of component.sort()) {
      const into = graph.get(file).filter((target) => members.has(target));
      console.error(
        `    ${relative(root, file)} -> ${into.map((target) => relative(root, target)).join(', ')}`,
      );
    }
  }
  process.exitCode = 1;
}
