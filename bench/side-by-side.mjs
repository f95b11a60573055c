#!/usr/bin/env node
// Two builds of the kit in one interleaved loop: the new-process figures of `pnpm bench`
// ((a) a program's cached token, (a) importing core only, (f) `oidcflow --version` and
// `oidcflow token` from a warm cache) for a "before" and an "after" checkout, each built.
// On a shared machine two `pnpm bench` runs minutes apart differ by more than a change does;
// side by side in one loop, both builds meet the same load. Besides wall time it reports each
// child's CPU time (user + system, written by the child at exit: bench/lib/cpu-at-exit.cjs,
// loaded the same way for every subject), which depends much less on the other processes.
//
//   node bench/side-by-side.mjs --before /path/to/old-checkout [--after .] [--rounds 60]
//
// (a) subjects run bench/fixtures/oidcflow-cached-token.mjs and import-core-only.mjs in an
// npm-like directory per build (copies of its core and file cache, no keyring cache, as
// bench/cache-hit.bench.mjs does); (f) subjects run each build's packages/cli/dist/bin.js.
// Ratios: (a) to a bare node reading the JSON file, (f) to `node -e ""`.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { median } from './lib/stats.mjs';
import { warmEntry } from './lib/warm-entry.mjs';
import { root } from './lib/workspace.mjs';

const { values } = parseArgs({
  options: { before: { type: 'string' }, after: { type: 'string' }, rounds: { type: 'string' } },
});
if (!values.before) {
  console.error('usage: node bench/side-by-side.mjs --before DIR [--after DIR] [--rounds N]');
  process.exit(2);
}
const builds = { before: resolve(values.before), after: resolve(values.after ?? root) };
for (const directory of Object.values(builds)) {
  if (!existsSync(join(directory, 'packages', 'cli', 'dist', 'bin.js'))) {
    console.error(`${directory} is not a built checkout (pnpm build there first)`);
    process.exit(2);
  }
}
const rounds = Number(values.rounds ?? 60);
const cpuAtExit = join(root, 'bench', 'lib', 'cpu-at-exit.cjs');
const scratch = mkdtempSync(join(tmpdir(), 'oidcflow-side-by-side-'));

try {
  // The warm cache, written by the "after" build (the format both read).
  const afterPackage = (name) =>
    import(pathToFileURL(join(builds.after, 'packages', name, 'dist', 'index.js')).href);
  const core = await afterPackage('core');
  const { createFileCache } = await afterPackage('cache-file');
  const cachePath = join(scratch, 'cache');
  const settings = { issuer: 'https://idp.invalid', clientId: 'bench-cli', scopes: ['openid'] };
  const key = core.cacheKeyFor({ ...settings, family: 'user' });
  const now = Date.now();
  await createFileCache({ cachePath }).set(key, warmEntry(settings.issuer, now));
  const cacheFile = createFileCache({ cachePath }).resolvedCachePath(key);

  /** A directory where `import '@oidcflow/core'` finds copies of the build's core and file cache. */
  const appOf = (name, build) => {
    const app = join(scratch, `app-${name}`);
    for (const pkg of ['core', 'cache-file']) {
      const target = join(app, 'node_modules', '@oidcflow', pkg);
      mkdirSync(target, { recursive: true });
      copyFileSync(join(build, 'packages', pkg, 'package.json'), join(target, 'package.json'));
      cpSync(join(build, 'packages', pkg, 'dist'), join(target, 'dist'), { recursive: true });
    }
    for (const fixture of ['oidcflow-cached-token.mjs', 'import-core-only.mjs', 'bare-read-json.mjs'])
      copyFileSync(join(root, 'bench', 'fixtures', fixture), join(app, fixture));
    return app;
  };
  const token = (build, ...extra) => [
    join(build, 'packages', 'cli', 'dist', 'bin.js'),
    'token',
    '--issuer',
    settings.issuer,
    '--client-id',
    settings.clientId,
    '--scope',
    'openid',
    '--cache-path',
    cachePath,
    ...extra,
  ];
  const options = JSON.stringify({ ...settings, cachePath });
  const env = { PATH: process.env.PATH ?? '', HOME: join(scratch, 'home') };
  mkdirSync(env.HOME);

  /** One run: wall and CPU milliseconds, or undefined when the process failed. */
  const run = (args) => {
    const start = performance.now();
    const result = spawnSync(process.execPath, ['-r', cpuAtExit, ...args], {
      env,
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
    });
    const wall = performance.now() - start;
    return result.status === 0 ? { wall, cpu: Number(result.output[3]) / 1000 } : undefined;
  };
  const subjects = {
    bare: ['-e', ''],
    bareJson: [join(appOf('json', builds.after), 'bare-read-json.mjs'), cacheFile],
  };
  for (const [name, build] of Object.entries(builds)) {
    const app = appOf(name, build);
    subjects[`${name} (a) cached token`] = [join(app, 'oidcflow-cached-token.mjs'), options];
    subjects[`${name} (a) import core`] = [join(app, 'import-core-only.mjs'), ''];
    subjects[`${name} (f) --version`] = [join(build, 'packages', 'cli', 'dist', 'bin.js'), '--version'];
    subjects[`${name} (f) token`] = token(build);
    // `--cache file` (no keyring cache): only for a build whose CLI knows the option.
    if (run(token(build, '--cache', 'file')))
      subjects[`${name} (f) token --cache file`] = token(build, '--cache', 'file');
  }
  for (const [name, args] of Object.entries(subjects)) {
    if (!run(args)) throw new Error(`${name} failed: node ${args.join(' ')}`);
  }

  const wall = Object.fromEntries(Object.keys(subjects).map((name) => [name, []]));
  const cpu = Object.fromEntries(Object.keys(subjects).map((name) => [name, []]));
  const loadBefore = loadavg()[0];
  const started = new Date();
  const names = Object.keys(subjects);
  for (let round = 0; round < rounds + 3; round++) {
    // The order rotates, so that no subject always follows the same one.
    const shift = round % names.length;
    for (const name of [...names.slice(shift), ...names.slice(0, shift)]) {
      const measured = run(subjects[name]);
      if (!measured) throw new Error(`${name} failed`);
      if (round < 3) continue;
      wall[name].push(measured.wall);
      cpu[name].push(measured.cpu);
    }
  }
  const time = (date) => date.toISOString().slice(11, 16);
  console.log(
    `Node ${process.version}, ${rounds} interleaved rounds, ${time(started)}–${time(new Date())} UTC, ` +
      `load ${loadBefore.toFixed(1)} → ${loadavg()[0].toFixed(1)}`,
  );
  console.log(`before: ${builds.before}\nafter:  ${builds.after}\n`);
  console.log('| subject | wall ms | ratio | CPU ms | ratio |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const name of names) {
    const base = name.includes('(a)') ? 'bareJson' : 'bare';
    const w = median(wall[name]);
    const c = median(cpu[name]);
    const ratio = (value, list) => (value / median(list)).toFixed(2);
    console.log(
      `| ${name} | ${w.toFixed(1)} | ${ratio(w, wall[base])} | ${c.toFixed(1)} | ${ratio(c, cpu[base])} |`,
    );
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
