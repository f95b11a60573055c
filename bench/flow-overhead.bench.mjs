// (e) Flow overhead: a client credentials grant through OidcCredentialsAuth.login() (always a
//     new grant, no cache hit) against the same grant made with openid-client directly.

import { loadOidcflow, loadOpenIdClient, rawConfiguration, startIdp } from './lib/idp.mjs';
import { interleave, median, round, timed } from './lib/stats.mjs';
import { temporaryDirectories } from './lib/workspace.mjs';

export const title = 'Flow overhead';
export const notes =
  "Median latency of one grant, interleaved one by one (oidcflow with the file cache, oidcflow with core's memory cache, raw openid-client). oidcflow's side includes everything login() does: the cache lock, the HTTP client, the openid-client session, the grant, and saving the tokens (atomic write with fsync for the file cache). Raw openid-client reuses one Configuration made by discovery before timing.";

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
    const fileAuth = new core.OidcCredentialsAuth({ ...base, cachePath: await directories.make() });
    const memoryAuth = new core.OidcCredentialsAuth({ ...base, plugins: [core.createMemoryCache()] });
    const configuration = await rawConfiguration(client, idp, ci.clientId, ci.clientSecret);
    // Discovery and module loading happen once, before timing.
    await fileAuth.login();
    await memoryAuth.login();

    log(`(e) ${ROUNDS} interleaved grants per subject`);
    const latencies = await interleave(
      {
        file: () => timed(() => fileAuth.login()),
        memory: () => timed(() => memoryAuth.login()),
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
    const file = median(latencies.file);
    const memory = median(latencies.memory);
    const raw = median(latencies.raw);
    return [
      {
        figure: '(e) client credentials grant: OidcCredentialsAuth (file cache) vs raw openid-client',
        oidcflow: round(file),
        baseline: round(raw),
        ratio: round(file / raw),
        goal: '≤ 1.05',
        unit: 'ms',
      },
      {
        figure: "(e) breakdown: the same with core's memory cache (no disk write)",
        oidcflow: round(memory),
        baseline: round(raw),
        ratio: round(memory / raw),
        goal: '—',
        unit: 'ms',
      },
      {
        figure: '(e) breakdown: IdP requests per login() (a forced login discovers again)',
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
