import { prepareHydraBinary } from '../targets/hydra/index.js';
import { runPrepareCommand } from './prepare-command.js';

const USAGE = `Usage: oidcflow-conformance prepare-hydra [--cache-dir <dir>]

Builds the pinned Ory Hydra from the Go module proxy (go get -tool + go build with cgo and
SQLite) into the cache (OIDCFLOW_HYDRA_CACHE, else ~/.cache/oidcflow/hydra); needs Go 1.24+
and a C compiler, and takes a few minutes once. A second call does nothing.
`;

/** `oidcflow-conformance prepare-hydra`: the Hydra target's first-use build, from the command line. */
export async function prepareHydraCommand(args: string[], write: (text: string) => void): Promise<number> {
  return runPrepareCommand(
    {
      name: 'prepare-hydra',
      usage: USAGE,
      prepare: async (cacheDirectory) => {
        const prepared = await prepareHydraBinary(cacheDirectory ? { cacheDirectory } : {});
        return `Ory Hydra ${prepared.version} is ready at ${prepared.binaryPath} (${prepared.built ? `built in ${Math.round(prepared.buildMs / 1000)} s` : 'cached'}).`;
      },
    },
    args,
    write,
  );
}
