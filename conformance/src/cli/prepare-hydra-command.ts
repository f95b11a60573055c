import { parseArgs } from 'node:util';
import { prepareHydraBinary } from '../targets/hydra/index.js';
import { TargetUnavailable } from '../targets/target.js';

const USAGE = `Usage: oidcflow-conformance prepare-hydra [--cache-dir <dir>]

Builds the pinned Ory Hydra from the Go module proxy (go get -tool + go build with cgo and
SQLite) into the cache (OIDCFLOW_HYDRA_CACHE, else ~/.cache/oidcflow/hydra); needs Go 1.24+
and a C compiler, and takes a few minutes once. A second call does nothing.
`;

/** `oidcflow-conformance prepare-hydra`: the Hydra target's first-use build, from the command line. */
export async function prepareHydraCommand(args: string[], write: (text: string) => void): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      'cache-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    write(USAGE);
    return 0;
  }
  try {
    const prepared = await prepareHydraBinary(
      values['cache-dir'] ? { cacheDirectory: values['cache-dir'] } : {},
    );
    write(
      `Ory Hydra ${prepared.version} is ready at ${prepared.binaryPath} (${prepared.built ? `built in ${Math.round(prepared.buildMs / 1000)} s` : 'cached'}).\n`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof TargetUnavailable)) throw error;
    write(`prepare-hydra: ${error.message}\n`);
    return 1;
  }
}
