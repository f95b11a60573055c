import type { TargetPackage } from '@oidcflow/conformance/targets';
import { prepareHydraBinary } from './build-hydra.js';
import { hydraTarget } from './hydra-target.js';

/** The targets and `prepare-<target>` commands this package adds to oidcflow-conformance. */
export const conformanceTargets: TargetPackage = {
  targets: {
    hydra: () => hydraTarget(),
  },
  prepareCommands: {
    'prepare-hydra': {
      usage: `Usage: oidcflow-conformance prepare-hydra [--cache-dir <dir>]

Builds the pinned Ory Hydra from the Go module proxy (go get -tool + go build with cgo and
SQLite) into the cache (OIDCFLOW_HYDRA_CACHE, else ~/.cache/oidcflow/hydra); needs Go 1.24+
and a C compiler, and takes a few minutes once. A second call does nothing.
`,
      prepare: async ({ cacheDirectory }) => {
        const prepared = await prepareHydraBinary(cacheDirectory ? { cacheDirectory } : {});
        return `Ory Hydra ${prepared.version} is ready at ${prepared.binaryPath} (${prepared.built ? `built in ${Math.round(prepared.buildMs / 1000)} s` : 'cached'}).`;
      },
    },
  },
};
