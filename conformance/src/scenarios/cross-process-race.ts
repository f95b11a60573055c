import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RaceChildInput } from '../matrix/race-child.js';
import { FLOW_KINDS } from '../matrix/subject.js';
import { describeRequests, grantRequests } from '../support/traffic.js';
import { check, type Scenario, ScenarioSkip } from './scenario.js';

const PROCESSES = 4;
const CHILD_TIMEOUT_MS = 60_000;

/** The compiled child script (child processes run plain JavaScript, also when the harness runs from src). */
function raceChildScript(): string {
  const here = fileURLToPath(import.meta.url);
  const compiled = here.endsWith('.ts')
    ? here.replace(/[/\\]src[/\\]scenarios[/\\][^/\\]+$/, '/dist/matrix/race-child.js')
    : join(here, '..', '..', 'matrix', 'race-child.js');
  if (!existsSync(compiled)) throw new Error(`${compiled} is missing: build @oidcflow/conformance first`);
  return compiled;
}

function runChild(
  script: string,
  inputPath: string,
  env: NodeJS.ProcessEnv,
): Promise<{ fingerprint?: string; error?: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [script, inputPath],
      { env, timeout: CHILD_TIMEOUT_MS, maxBuffer: 64 * 1024 },
      (failure, stdout) => {
        const line = stdout.trim().split('\n').pop() ?? '';
        try {
          resolve(JSON.parse(line) as { fingerprint?: string; error?: string });
        } catch {
          resolve({ error: failure ? `exited: ${failure.message.split('\n')[0]}` : 'printed nothing' });
        }
      },
    );
  });
}

export const crossProcessRace: Scenario = {
  name: 'cross-process race',
  summary: `${PROCESSES} processes find one expired token at once: one renewal at the IdP, all get the same new token`,
  flowKinds: FLOW_KINDS,
  forCachePlugins: true,
  async run(cell) {
    const script = raceChildScript();
    const { modules } = cell.subject;
    if (!modules.cache)
      throw new ScenarioSkip(
        'the cache plugin was given as an object: pass its module so child processes can load it',
        'not-applicable',
      );
    const first = (await cell.logIn()).tokens.accessToken;
    await cell.expireCachedAccessToken();
    const options = cell.options();
    const input: RaceChildInput = {
      family: cell.credentialsAuth ? 'client' : 'user',
      options: {
        issuer: options.issuer,
        clientId: options.clientId,
        scopes: options.scopes,
        ...(options.clientSecret ? { clientSecret: options.clientSecret } : {}),
        ...(options.caCertPath ? { caCertPath: options.caCertPath } : {}),
        // A refresh needs no flow; a third-party flow's name only means something where it is loaded.
        ...(options.flow && (modules.flow || !cell.subject.flowPlugin) ? { flow: options.flow } : {}),
        env: cell.environment(),
      },
      cachePath: cell.cachePath,
      modules: { ...modules, cache: modules.cache },
    };
    const inputPath = join(cell.workDir, 'race-input.json');
    await writeFile(inputPath, JSON.stringify(input), { mode: 0o600 });
    const meter = cell.meter();
    const mark = meter.mark();
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: join(cell.workDir, 'home'),
      // The session bus, for cache plugins that keep a key in the OS keyring (cache-keyring).
      ...(process.env.DBUS_SESSION_BUS_ADDRESS
        ? { DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS }
        : {}),
    };
    const results = await Promise.all(
      Array.from({ length: PROCESSES }, () => runChild(script, inputPath, env)),
    );
    const errors = results.flatMap((result) => (result.error ? [result.error] : []));
    check(errors.length === 0, `child processes failed: ${errors.join('; ')}`);
    const fingerprints = new Set(results.map((result) => result.fingerprint));
    check(fingerprints.size === 1, `the ${PROCESSES} processes got ${fingerprints.size} different tokens`);
    const saved = await cell.cache.get(cell.cacheKey());
    check(saved && saved.tokens.accessToken !== first, 'the cache still holds the expired token');
    const grant = cell.subject.flowKind === 'client' ? 'client_credentials' : 'refresh_token';
    if (!meter.seesRequests) return `${PROCESSES} processes, one shared new token (requests hidden by TLS)`;
    const requests = meter.since(mark);
    const renewals = grantRequests(requests, grant);
    check(
      renewals.length === 1,
      `expected one ${grant} request at the IdP, saw: ${describeRequests(requests)}`,
    );
    return `${PROCESSES} processes, one ${grant} request at the IdP, all got the same new token`;
  },
};
