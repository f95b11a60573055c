import { parseArgs } from 'node:util';
import { prepareKeycloak } from '../targets/keycloak/index.js';
import { TargetUnavailable } from '../targets/target.js';

const USAGE = `Usage: oidcflow-conformance prepare-keycloak [--no-warm-up] [--cache-dir <dir>] [--version <v>]

Downloads the pinned Keycloak distribution from Maven Central (checksum-verified) into the cache
(OIDCFLOW_KEYCLOAK_CACHE, else ~/.cache/oidcflow/keycloak) and starts it once so its build is
kept; a run after this starts Keycloak faster and needs no network. A second call does nothing.
`;

/** `oidcflow-conformance prepare-keycloak`: the Keycloak target's own preparation, from the command line. */
export async function prepareKeycloakCommand(args: string[], write: (text: string) => void): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      'no-warm-up': { type: 'boolean', default: false },
      'cache-dir': { type: 'string' },
      version: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    write(USAGE);
    return 0;
  }
  try {
    const report = await prepareKeycloak({
      warmUp: !values['no-warm-up'],
      ...(values['cache-dir'] ? { cacheDirectory: values['cache-dir'] } : {}),
      ...(values.version ? { version: values.version } : {}),
    });
    write(`Keycloak ${report.version} is ready in ${report.home} (dev build: ${report.devBuild}).\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof TargetUnavailable)) throw error;
    write(`prepare-keycloak: ${error.message}\n`);
    return 1;
  }
}
