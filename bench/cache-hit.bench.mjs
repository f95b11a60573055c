// (a) A new process that imports oidcflow and gets a cached token, against a bare `node` that
//     reads and parses the same JSON file, and against two peers in the same interleaved run:
//     MSAL Node from a warm persisted cache, and a hand-written openid-client + JSON-file
//     script. (c) Cache-hit calls per second in one process, against readFile + JSON.parse.
import { execFile, spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startMsalAuthority } from './lib/msal-authority.mjs';
import { interleave, median, round } from './lib/stats.mjs';
import { warmEntry } from './lib/warm-entry.mjs';
import { importPackage, makeAppDirectory, root, temporaryDirectories } from './lib/workspace.mjs';

export const title = 'Cache hits';
export const notes =
  "Process figures are wall times from spawn to exit, medians of interleaved runs of all subjects in one loop (oidcflow, importing core only, a bare node reading the JSON, `oidcflow token`, and the two peers). @oidcflow/core and @oidcflow/cache-file are measured as built: one bundled entry file each, the slow path split off (scripts/bundle-package.mjs); the module lists of a hit are fixed by packages/cache-file/test/cache-hit-path.test.ts and packages/cli/test/cache-hit-imports.test.ts. Peers: a hand-written script importing openid-client and reading its own JSON file (bench/fixtures/peer-openid-client-json.mjs), and MSAL Node's ConfidentialClientApplication.acquireTokenByClientCredential with a file cache plugin (bench/fixtures/peer-msal-node.mjs), its cache filled by one real grant against its own HTTPS authority on 127.0.0.1 (certificate from a CA generated for the run); the timed runs get the authority metadata as configuration and no CA, and the authority counts requests: 0 on warm runs, or the run fails. The new-process subjects install core and cache-file as npm would (copies, no keyring cache), so `cache: 'auto'` looks for @oidcflow/cache-keyring, misses it and takes the file cache. The in-process figure is getAccessToken() on one OidcAuth instance with `cache: 'file'` (each call reads the file and compares its bytes with those it parsed last, so it sees other processes' writes) against fs.promises.readFile + JSON.parse of the same file.";

const PROCESS_ROUNDS = 40;
const BATCH = 500;

export default async function cacheHitBenchmarks({ log }) {
  const directories = temporaryDirectories();
  try {
    const core = await importPackage('core');
    const { createFileCache } = await importPackage('cache-file');
    const cachePath = join(await directories.make(), 'oidcflow');
    // An issuer that cannot resolve: a request would fail the run, so a hit is a real hit.
    const options = { issuer: 'https://idp.invalid', clientId: 'bench-cli', scopes: ['openid'], cachePath };
    const key = core.cacheKeyFor({ ...options, family: 'user' });
    const now = Date.now();
    await createFileCache({ cachePath }).set(key, warmEntry(options.issuer, now));
    const file = createFileCache({ cachePath }).resolvedCachePath(key);

    const { scripts } = await makeAppDirectory(directories, [
      'oidcflow-cached-token.mjs',
      'bare-read-json.mjs',
      'import-core-only.mjs',
      'peer-openid-client-json.mjs',
      'peer-msal-node.mjs',
    ]);
    // MSAL Node's persisted cache, filled by one real client-credentials grant against its own
    // HTTPS authority (async: the server answers from this process). The timed runs get the
    // authority's metadata as configuration and no CA, so a request would fail them; the
    // request count is checked after timing as well.
    const msal = await startMsalAuthority(await directories.make());
    const msalCache = join(await directories.make(), 'msal-cache.json');
    const msalArgs = [scripts['peer-msal-node.mjs'], msalCache, msal.authority, 'bench-msal'];
    await promisify(execFile)(process.execPath, msalArgs, {
      env: { PATH: process.env.PATH ?? '', NODE_EXTRA_CA_CERTS: msal.caFile },
    });
    const msalRequestsBefore = msal.requests();
    // The hand-written peer's own cache file, as fresh as oidcflow's: it answers without a request
    // (its issuer cannot resolve either, so a request would fail the run).
    const peerFile = join(await directories.make(), 'token.json');
    await writeFile(
      peerFile,
      JSON.stringify({ access_token: `fake-access-${'a'.repeat(900)}`, expires_at: now + 24 * 3_600_000 }),
      { mode: 0o600 },
    );
    const env = { PATH: process.env.PATH ?? '', HOME: await directories.make('oidcflow-bench-home-') };
    const runProcess =
      (script, ...args) =>
      () => {
        const start = performance.now();
        const result = spawnSync(process.execPath, [script, ...args], { env, stdio: 'ignore' });
        const elapsed = performance.now() - start;
        if (result.status !== 0) throw new Error(`${script} exited with ${result.status}`);
        return elapsed;
      };
    const cli = join(root, 'packages', 'cli', 'dist', 'bin.js');
    const subjects = {
      oidcflow: runProcess(scripts['oidcflow-cached-token.mjs'], JSON.stringify(options)),
      cli: runProcess(
        cli,
        'token',
        '--issuer',
        options.issuer,
        '--client-id',
        options.clientId,
        '--scope',
        'openid',
        '--cache-path',
        cachePath,
      ),
      msal: runProcess(...msalArgs, msal.metadataJson()),
      importOnly: runProcess(scripts['import-core-only.mjs'], ''),
      bare: runProcess(scripts['bare-read-json.mjs'], file),
      peer: runProcess(
        scripts['peer-openid-client-json.mjs'],
        peerFile,
        options.issuer,
        'bench-peer',
        'unused',
      ),
    };
    log(`(a) ${PROCESS_ROUNDS} interleaved rounds of ${Object.keys(subjects).length} processes`);
    const processes = await interleave(subjects, { rounds: PROCESS_ROUNDS, warmup: 3 });
    const oidcflowMs = median(processes.oidcflow);
    const importOnlyMs = median(processes.importOnly);
    const bareMs = median(processes.bare);
    const peerMs = median(processes.peer);
    const cliMs = median(processes.cli);
    const msalMs = median(processes.msal);
    const msalRequests = msal.requests() - msalRequestsBefore;
    await msal.stop();
    if (msalRequests !== 0) throw new Error(`MSAL Node made ${msalRequests} requests on warm runs`);
    log(`MSAL Node: ${msalRequestsBefore} requests to fill its cache, ${msalRequests} on warm runs`);

    log(`(c) in-process batches of ${BATCH} calls`);
    const auth = new core.OidcAuth({ ...options, cache: 'file', logger: core.silentLogger });
    await auth.getAccessToken();
    const perSecond = (run) => async () => {
      const start = performance.now();
      for (let call = 0; call < BATCH; call++) await run();
      return (BATCH * 1000) / (performance.now() - start);
    };
    const inProcess = await interleave(
      {
        oidcflow: perSecond(() => auth.getAccessToken()),
        baseline: perSecond(async () => JSON.parse(await readFile(file, 'utf8')).entry.tokens.accessToken),
      },
      { rounds: 15, warmup: 3 },
    );
    const oidcflowRate = median(inProcess.oidcflow);
    const baselineRate = median(inProcess.baseline);

    return [
      {
        figure: '(a) new process: cached token vs bare node reading the JSON',
        oidcflow: round(oidcflowMs, 1),
        baseline: round(bareMs, 1),
        ratio: round(oidcflowMs / bareMs),
        goal: '≤ 1.10',
        unit: 'ms',
      },
      {
        figure: '(a) breakdown: new process that only imports @oidcflow/core',
        oidcflow: round(importOnlyMs, 1),
        baseline: round(bareMs, 1),
        ratio: round(importOnlyMs / bareMs),
        goal: '—',
        unit: 'ms',
      },
      {
        figure:
          '(a) peer: oidcflow vs a hand-written openid-client + JSON-file script (cached token, new process)',
        oidcflow: round(oidcflowMs, 1),
        baseline: round(peerMs, 1),
        ratio: round(oidcflowMs / peerMs),
        goal: '≤ 1.00',
        unit: 'ms',
      },
      {
        figure: `(a) peer: oidcflow vs MSAL Node, warm persisted cache, 0 requests (MSAL vs bare: ${round(msalMs / bareMs)})`,
        oidcflow: round(oidcflowMs, 1),
        baseline: round(msalMs, 1),
        ratio: round(oidcflowMs / msalMs),
        goal: '≤ 1.00',
        unit: 'ms',
      },
      {
        figure: '(f) peer: `oidcflow token` (CLI) vs the hand-written openid-client + JSON-file script',
        oidcflow: round(cliMs, 1),
        baseline: round(peerMs, 1),
        ratio: round(cliMs / peerMs),
        goal: '≤ 1.00',
        unit: 'ms',
      },
      {
        figure: '(f) peer: `oidcflow token` (CLI) vs MSAL Node, warm persisted cache',
        oidcflow: round(cliMs, 1),
        baseline: round(msalMs, 1),
        ratio: round(cliMs / msalMs),
        goal: '≤ 1.00',
        unit: 'ms',
      },
      {
        figure: '(c) in-process cache-hit calls per second',
        oidcflow: Math.round(oidcflowRate),
        baseline: Math.round(baselineRate),
        ratio: round(oidcflowRate / baselineRate),
        goal: '≥ 1.0',
        unit: 'calls/s',
      },
    ];
  } finally {
    await directories.removeAll();
  }
}
