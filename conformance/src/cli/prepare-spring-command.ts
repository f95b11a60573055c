import { prepareSpring } from '../targets/spring/index.js';
import { runPrepareCommand } from './prepare-command.js';

const USAGE = `Usage: oidcflow-conformance prepare-spring [--cache-dir <dir>]

Builds the Spring Authorization Server of conformance/spring-as with Maven (Spring from Maven
Central into ~/.m2) into the cache (OIDCFLOW_SPRING_CACHE, else ~/.cache/oidcflow/spring-as),
keyed by a hash of its sources. A second call with the same sources does nothing.
`;

/** `oidcflow-conformance prepare-spring`: the Spring target's build, from the command line. */
export async function prepareSpringCommand(args: string[], write: (text: string) => void): Promise<number> {
  return runPrepareCommand(
    {
      name: 'prepare-spring',
      usage: USAGE,
      prepare: async (cacheDirectory) => {
        const report = await prepareSpring(cacheDirectory ? { cacheDirectory } : {});
        const how = report.built
          ? `built in ${(report.buildMs / 1000).toFixed(1)} s on Java ${report.javaVersion}`
          : 'already built';
        return `The Spring Authorization Server is ready in ${report.jarPath} (${how}).`;
      },
    },
    args,
    write,
  );
}
