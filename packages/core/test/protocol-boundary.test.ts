// The plugin specification outlives openid-client: only core may import it, and nothing in the
// specification's types (src/spec/) may reach one of its types. A flow that needs a request
// the port lacks must get it added to the port (and the specification version bumped).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const core = join(root, 'packages/core');

/** Every workspace package folder (pnpm-workspace.yaml: packages/*, conformance, examples/*). */
function workspacePackages(): string[] {
  const inside = (folder: string) =>
    readdirSync(join(root, folder))
      .map((name) => join(root, folder, name))
      .filter((path) => statSync(path).isDirectory());
  return [...inside('packages'), join(root, 'conformance'), ...inside('examples')].filter((path) => {
    try {
      return statSync(join(path, 'package.json')).isFile();
    } catch {
      return false;
    }
  });
}

/** Source files of a package (not node_modules, not build output). */
function sourceFiles(directory: string): string[] {
  const files: string[] = [];
  const visit = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
      const full = join(path, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (/\.(ts|mts|cts|js|mjs|cjs)$/.test(entry.name)) files.push(full);
    }
  };
  visit(directory);
  return files;
}

/** The module specifiers a file imports, statically or with `import()`, or re-exports. */
function importedSpecifiers(text: string): string[] {
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)['"]([^'"]+)['"]/g;
  return [...text.matchAll(pattern)].map((match) => match[1] ?? '');
}

describe('the protocol port is the only way to openid-client', () => {
  const packages = workspacePackages();

  it('finds the workspace packages (a check that cannot pass empty)', () => {
    expect(packages.length).toBeGreaterThanOrEqual(8);
    expect(packages).toContain(core);
  });

  it('no package but core imports openid-client or depends on it', () => {
    const offenders: string[] = [];
    for (const directory of packages.filter((path) => path !== core)) {
      const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as Record<
        string,
        Record<string, string> | undefined
      >;
      for (const section of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'])
        if (manifest[section]?.['openid-client'])
          offenders.push(`${relative(root, directory)}/package.json (${section})`);
      for (const file of sourceFiles(directory)) {
        const specifiers = importedSpecifiers(readFileSync(file, 'utf8'));
        if (
          specifiers.some(
            (specifier) => specifier === 'openid-client' || specifier.startsWith('openid-client/'),
          )
        )
          offenders.push(relative(root, file));
      }
    }
    expect(offenders).toEqual([]);
  });

  it("no openid-client type is reachable from core's specification types (src/spec/, followed transitively)", () => {
    const specDirectory = join(core, 'src/spec');
    const pending = sourceFiles(specDirectory);
    expect(pending.length).toBeGreaterThanOrEqual(6);
    const seen = new Set<string>();
    const reached: string[] = [];
    while (pending.length > 0 && seen.size < 500) {
      const file = pending.pop() as string;
      if (seen.has(file)) continue;
      seen.add(file);
      for (const specifier of importedSpecifiers(readFileSync(file, 'utf8'))) {
        if (!specifier.startsWith('.')) {
          reached.push(`${relative(core, file)} → ${specifier}`);
          continue;
        }
        pending.push(join(file, '..', specifier).replace(/\.js$/, '.ts'));
      }
    }
    // The spec may use Node's own types, nothing from a package.
    expect(reached.filter((edge) => !/ → node:/.test(edge))).toEqual([]);
    expect([...seen].some((file) => file.endsWith('spec/protocol.ts'))).toBe(true);
  });

  it('the scanner sees an import of openid-client when there is one (negative control)', () => {
    expect(
      importedSpecifiers(
        "import type * as C from 'openid-client';\nconst m = await import('openid-client');",
      ),
    ).toEqual(['openid-client', 'openid-client']);
  });
});
