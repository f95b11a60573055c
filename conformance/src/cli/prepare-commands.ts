import { parseArgs } from 'node:util';
import { prepareHydraBinary } from '../targets/hydra/index.js';
import { prepareKeycloak } from '../targets/keycloak/index.js';
import { prepareKeycloakContainer } from '../targets/keycloak/prepare-keycloak-container.js';
import { prepareSpring } from '../targets/spring/index.js';
import { TargetUnavailable } from '../targets/target.js';

/** What a `prepare-<target>` command line gives its target's preparation. */
export interface PrepareValues {
  cacheDirectory?: string;
  version?: string;
  warmUp: boolean;
}

/** One `prepare-<target>` subcommand: a target's first-use build or download. */
export interface PrepareCommand {
  /** What `--help` prints. */
  usage: string;
  /** Takes `--version <v>` (a release other than the pinned one). */
  takesVersion?: boolean;
  /** Takes `--no-warm-up` (prepare without the first start). */
  takesNoWarmUp?: boolean;
  /** Prepares the target (or finds it prepared); returns the line that says where it is. */
  prepare(values: PrepareValues): Promise<string>;
}

/** The `prepare-<target>` subcommands of oidcflow-conformance, by name. */
export const PREPARE_COMMANDS: Readonly<Record<string, PrepareCommand>> = {
  'prepare-keycloak': {
    usage: `Usage: oidcflow-conformance prepare-keycloak [--no-warm-up] [--cache-dir <dir>] [--version <v>]

Downloads the pinned Keycloak distribution from Maven Central (checksum-verified) into the cache
(OIDCFLOW_KEYCLOAK_CACHE, else ~/.cache/oidcflow/keycloak) and starts it once so its build is
kept; a run after this starts Keycloak faster and needs no network. A second call does nothing.
`,
    takesVersion: true,
    takesNoWarmUp: true,
    prepare: async ({ cacheDirectory, version, warmUp }) => {
      const report = await prepareKeycloak({
        warmUp,
        ...(cacheDirectory ? { cacheDirectory } : {}),
        ...(version ? { version } : {}),
      });
      return `Keycloak ${report.version} is ready in ${report.home} (dev build: ${report.devBuild}).`;
    },
  },
  'prepare-keycloak-container': {
    usage: `Usage: oidcflow-conformance prepare-keycloak-container [--cache-dir <dir>] [--version <v>]

Makes the keycloak-container target's image ready. On a Docker engine there is nothing to do
(the official image is pulled, or OIDCFLOW_KEYCLOAK_IMAGE). With podman, builds the image from
a debootstrap root file system, the newest local JDK and the Maven Central distribution, once:
a second call with the same Keycloak version, JDK and realm file reuses it.
`,
    takesVersion: true,
    prepare: async ({ cacheDirectory, version }) => {
      const report = await prepareKeycloakContainer({
        output: process.stderr,
        ...(cacheDirectory ? { cacheDirectory } : {}),
        ...(version ? { version } : {}),
      });
      if (report.engine === 'docker')
        return `A Docker engine answers; the keycloak-container target runs ${report.image}.`;
      const what = report.reused
        ? 'reused'
        : `built in ${report.seconds} s${report.builtRootfs ? ' (root file system included)' : ''}`;
      return `Keycloak image ${report.image} for podman: ${what}.`;
    },
  },
  'prepare-spring': {
    usage: `Usage: oidcflow-conformance prepare-spring [--cache-dir <dir>]

Builds the Spring Authorization Server of conformance/spring-as with Maven (Spring from Maven
Central into ~/.m2) into the cache (OIDCFLOW_SPRING_CACHE, else ~/.cache/oidcflow/spring-as),
keyed by a hash of its sources. A second call with the same sources does nothing.
`,
    prepare: async ({ cacheDirectory }) => {
      const report = await prepareSpring(cacheDirectory ? { cacheDirectory } : {});
      const how = report.built
        ? `built in ${(report.buildMs / 1000).toFixed(1)} s on Java ${report.javaVersion}`
        : 'already built';
      return `The Spring Authorization Server is ready in ${report.jarPath} (${how}).`;
    },
  },
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
};

/**
 * `oidcflow-conformance <name> [--cache-dir <dir>] …`: a target's preparation from the command
 * line. Exit status 0 when ready, 1 when the target cannot be prepared here.
 */
export async function runPrepareCommand(
  name: string,
  command: PrepareCommand,
  args: string[],
  write: (text: string) => void,
): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      'cache-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
      ...(command.takesVersion ? { version: { type: 'string' } } : {}),
      ...(command.takesNoWarmUp ? { 'no-warm-up': { type: 'boolean', default: false } } : {}),
    },
  });
  if (values.help) {
    write(command.usage);
    return 0;
  }
  const version = values.version;
  try {
    const line = await command.prepare({
      ...(values['cache-dir'] ? { cacheDirectory: values['cache-dir'] } : {}),
      ...(typeof version === 'string' && version ? { version } : {}),
      warmUp: values['no-warm-up'] !== true,
    });
    write(`${line}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof TargetUnavailable)) throw error;
    write(`${name}: ${error.message}\n`);
    return 1;
  }
}
