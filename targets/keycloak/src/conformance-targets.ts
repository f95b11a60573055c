import type { TargetPackage } from '@oidcflow/conformance/targets';
import { keycloakTarget } from './keycloak-target.js';
import { prepareKeycloak } from './prepare-keycloak.js';
import { prepareKeycloakContainer } from './prepare-keycloak-container.js';

/** The targets and `prepare-<target>` commands this package adds to oidcflow-conformance. */
export const conformanceTargets: TargetPackage = {
  targets: {
    keycloak: () => keycloakTarget(),
    'keycloak-container': () => keycloakTarget({ name: 'keycloak-container', runtime: 'container' }),
  },
  prepareCommands: {
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
  },
};
