// A what-if for the cold-start figure: the same app with @oidcflow/core and
// @oidcflow/cache-file each bundled into one file (their lazy parts still split off), built
// with rolldown (already installed, under vitest's vite). Shows how much of a new process's
// cost is the number of module files Node has to load.
import { copyFile, mkdir, realpath, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { root } from './workspace.mjs';

async function loadRolldown() {
  try {
    // pnpm links packages; resolve from their real locations, where their own dependencies are.
    const fromVitest = createRequire(await realpath(join(root, 'node_modules', 'vitest', 'package.json')));
    const fromVite = createRequire(await realpath(fromVitest.resolve('vite/package.json')));
    return await import(pathToFileURL(fromVite.resolve('rolldown')).href);
  } catch {
    return undefined;
  }
}

/**
 * Builds the bundled app and copies `fixtures` into it. Resolves undefined when rolldown is
 * not installed (the figure is then left out).
 */
export async function makeBundledAppDirectory(directories, fixtures) {
  const rolldown = await loadRolldown();
  if (!rolldown) return undefined;
  const app = await directories.make('oidcflow-bench-bundled-');
  const modules = join(app, 'node_modules');
  const external = [/^node:/, /^@oidcflow\//, 'openid-client', 'undici'];
  for (const name of ['core', 'cache-file']) {
    const target = join(modules, '@oidcflow', name);
    await mkdir(target, { recursive: true });
    await copyFile(join(root, 'packages', name, 'package.json'), join(target, 'package.json'));
    await rolldown.build({
      input: { index: join(root, 'packages', name, 'dist', 'index.js') },
      platform: 'node',
      external,
      logLevel: 'silent',
      output: { dir: join(target, 'dist'), format: 'esm' },
    });
  }
  for (const dependency of ['openid-client', 'undici']) {
    await symlink(
      join(root, 'packages', 'core', 'node_modules', dependency),
      join(modules, dependency),
      'dir',
    );
  }
  const scripts = {};
  for (const fixture of fixtures) {
    scripts[fixture] = join(app, fixture);
    await copyFile(join(root, 'bench', 'fixtures', fixture), scripts[fixture]);
  }
  return { app, scripts };
}
