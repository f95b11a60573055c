// (f) Startup cost of the `oidcflow` command itself: `oidcflow token` answering from a warm
//     cache, against `node -e ""` (a bare Node.js start). `oidcflow --version` shows how much of
//     the difference is the CLI's own modules before core and the cache are loaded.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { interleave, median, round } from './lib/stats.mjs';
import { importPackage, root, temporaryDirectories } from './lib/workspace.mjs';

export const title = 'CLI startup';
export const notes =
  'Wall times from spawn to exit of `node packages/cli/dist/bin.js …` (stdin ignored, output discarded), medians of interleaved runs. The token comes from a file cache written before timing for an issuer that cannot resolve, so any request would fail the run: every measured `oidcflow token` is a cache hit.';

const ROUNDS = 40;

export default async function cliStartupBenchmarks({ log }) {
  const directories = temporaryDirectories();
  try {
    const core = await importPackage('core');
    const { createFileCache } = await importPackage('cache-file');
    const cachePath = join(await directories.make(), 'oidcflow');
    const settings = { issuer: 'https://idp.invalid', clientId: 'bench-cli', scopes: ['openid'] };
    const key = core.cacheKeyFor({ ...settings, family: 'user' });
    const now = Date.now();
    await createFileCache({ cachePath }).set(key, {
      tokens: {
        accessToken: `fake-access-${'a'.repeat(900)}`,
        tokenType: 'Bearer',
        expiresAt: now + 24 * 3_600_000,
        refreshToken: 'fake-refresh',
        scope: 'openid',
      },
      flow: 'auth_code',
      metadata: {
        document: { issuer: settings.issuer, token_endpoint: `${settings.issuer}/token` },
        fetchedAt: now,
      },
      savedAt: now,
    });

    const bin = join(root, 'packages', 'cli', 'dist', 'bin.js');
    const env = { PATH: process.env.PATH ?? '', HOME: await directories.make('oidcflow-bench-home-') };
    const runProcess = (args, expectOutput) => () => {
      const start = performance.now();
      const result = spawnSync(process.execPath, args, {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
        encoding: 'utf8',
      });
      const elapsed = performance.now() - start;
      if (result.status !== 0 || (expectOutput && !result.stdout.startsWith(expectOutput))) {
        throw new Error(`node ${args.join(' ')} exited with ${result.status}: ${result.stderr}`);
      }
      return elapsed;
    };
    const tokenArgs = [
      bin,
      'token',
      '--issuer',
      settings.issuer,
      '--client-id',
      settings.clientId,
      '--cache-path',
      cachePath,
    ];
    log(`(f) ${ROUNDS} interleaved rounds of three processes`);
    const times = await interleave(
      {
        token: runProcess(tokenArgs, 'fake-access-'),
        version: runProcess([bin, '--version'], ''),
        bare: runProcess(['-e', ''], ''),
      },
      { rounds: ROUNDS, warmup: 3 },
    );
    const tokenMs = median(times.token);
    const versionMs = median(times.version);
    const bareMs = median(times.bare);
    return [
      {
        figure: '(f) `oidcflow token` from a warm cache vs `node -e ""`',
        oidcflow: round(tokenMs, 1),
        baseline: round(bareMs, 1),
        ratio: round(tokenMs / bareMs),
        goal: '≤ 1.5',
        unit: 'ms',
      },
      {
        figure: '(f) breakdown: `oidcflow --version` (the CLI without core) vs `node -e ""`',
        oidcflow: round(versionMs, 1),
        baseline: round(bareMs, 1),
        ratio: round(versionMs / bareMs),
        goal: '—',
        unit: 'ms',
      },
    ];
  } finally {
    await directories.removeAll();
  }
}
