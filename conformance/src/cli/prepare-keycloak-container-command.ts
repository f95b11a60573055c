import { parseArgs } from 'node:util';
import { prepareKeycloakContainer } from '../targets/keycloak/prepare-keycloak-container.js';
import { TargetUnavailable } from '../targets/target.js';

const USAGE = `Usage: oidcflow-conformance prepare-keycloak-container [--cache-dir <dir>] [--version <v>]

Makes the keycloak-container target's image ready. On a Docker engine there is nothing to do
(the official image is pulled, or OIDCFLOW_KEYCLOAK_IMAGE). With podman, builds the image from
a debootstrap root file system, the newest local JDK and the Maven Central distribution, once:
a second call with the same Keycloak version, JDK and realm file reuses it.
`;

/** `oidcflow-conformance prepare-keycloak-container` */
export async function prepareKeycloakContainerCommand(
  args: string[],
  write: (text: string) => void,
): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
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
    const report = await prepareKeycloakContainer({
      output: process.stderr,
      ...(values['cache-dir'] ? { cacheDirectory: values['cache-dir'] } : {}),
      ...(values.version ? { version: values.version } : {}),
    });
    if (report.engine === 'docker') {
      write(`A Docker engine answers; the keycloak-container target runs ${report.image}.\n`);
    } else {
      const what = report.reused
        ? 'reused'
        : `built in ${report.seconds} s${report.builtRootfs ? ' (root file system included)' : ''}`;
      write(`Keycloak image ${report.image} for podman: ${what}.\n`);
    }
    return 0;
  } catch (error) {
    if (!(error instanceof TargetUnavailable)) throw error;
    write(`prepare-keycloak-container: ${error.message}\n`);
    return 1;
  }
}
