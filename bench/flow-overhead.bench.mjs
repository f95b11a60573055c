// (e) Flow overhead: a client credentials grant through OidcCredentialsAuth.login() (always a
//     new grant, no cache hit) against the same grant made with openid-client directly.

import { loadOidcflow, loadOpenIdClient, rawConfiguration, startIdp } from './lib/idp.mjs';
import { interleave, median, round, timed } from './lib/stats.mjs';
import { temporaryDirectories } from './lib/workspace.mjs';

export const title = 'Flow overhead';
export const notes =
  "Median latency of one grant, interleaved one by one in two loops: oidcflow with core's memory cache against raw openid-client (the goal), then oidcflow with the file cache against raw openid-client (the breakdown; its fsync would otherwise disturb the grant after it). oidcflow's side includes everything login() does: the cache lock, the HTTP client, the openid-client session, the grant, and saving the tokens (atomic write with fsync for the file cache). Raw openid-client reuses one Configuration made by discovery before timing. The goal applies to the flow (memory cache); the file cache row adds what persisting costs: a lock file and an fsynced write, about 2 ms here, which a real IdP's round trip of tens of milliseconds dwarfs.";

const ROUNDS = 200;

export default async function flowOverheadBenchmarks({ log }) {
  const directories = temporaryDirectories();
  const { idp } = await startIdp();
  try {
    const { core } = await loadOidcflow();
    const client = await loadOpenIdClient();
    const ci = idp.clients.ci;
    const base = {
      issuer: idp.issuer,
      clientId: ci.clientId,
      clientSecret: ci.clientSecret,
      logger: core.silentLogger,
      env: {},
    };
    const fileAuth = new core.OidcCredentialsAuth({
      ...base,
      cache: 'file',
      cachePath: await directories.make(),
    });
    const memoryAuth = new core.OidcCredentialsAuth({ ...base, plugins: [core.createMemoryCache()] });
    const configuration = await rawConfiguration(client, idp, ci.clientId, ci.clientSecret);
    // Discovery and module loading happen once, before timing.
    await fileAuth.login();
    await memoryAuth.login();

    // Two loops: the goal's pair alone, then the file cache against raw. In one loop of three,
    // the rotating order put the memory login right after the file login's fsync in two
    // rounds of three (raw in one), which charged the disk's after-effects to the flow.
    log(`(e) ${ROUNDS} interleaved grants per subject, memory cache against raw`);
    const flow = await interleave(
      {
        memory: () => timed(() => memoryAuth.login()),
        raw: () => timed(() => client.clientCredentialsGrant(configuration)),
      },
      { rounds: ROUNDS, warmup: 50 },
    );
    log(`(e) ${ROUNDS} interleaved grants per subject, file cache against raw`);
    const persisted = await interleave(
      {
        file: () => timed(() => fileAuth.login()),
        raw: () => timed(() => client.clientCredentialsGrant(configuration)),
      },
      { rounds: ROUNDS, warmup: 20 },
    );
    idp.requests.reset();
    await memoryAuth.login();
    const requestsPerLogin = idp.requests.count();
    idp.requests.reset();
    await client.clientCredentialsGrant(configuration);
    const requestsPerRawGrant = idp.requests.count();
    const file = median(persisted.file);
    const rawBesideFile = median(persisted.raw);
    const memory = median(flow.memory);
    const raw = median(flow.raw);
    return [
      {
        // The flow's own overhead: everything login() does around the grant, with core's
        // memory cache so that no disk write is counted.
        figure:
          '(e) flow overhead: client credentials via OidcCredentialsAuth (memory cache) vs raw openid-client',
        oidcflow: round(memory),
        baseline: round(raw),
        ratio: round(memory / raw),
        goal: '≤ 1.05',
        unit: 'ms',
      },
      {
        figure: '(e) breakdown: the same with the file cache (cross-process lock + fsynced atomic write)',
        oidcflow: round(file),
        baseline: round(rawBesideFile),
        ratio: round(file / rawBesideFile),
        goal: '—',
        unit: 'ms',
      },
      {
        figure: '(e) breakdown: IdP requests per login() (cached metadata: the grant only)',
        oidcflow: requestsPerLogin,
        baseline: requestsPerRawGrant,
        ratio: requestsPerLogin / requestsPerRawGrant,
        goal: '—',
        unit: 'req',
      },
    ];
  } finally {
    await idp.stop();
    await directories.removeAll();
  }
}
