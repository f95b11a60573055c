import { parseArgs } from 'node:util';
import { prepareSpring } from '../targets/spring/index.js';
import { TargetUnavailable } from '../targets/target.js';

const USAGE = `Usage: oidcflow-conformance prepare-spring [--cache-dir <dir>]

Builds the Spring Authorization Server of conformance/spring-as with Maven (Spring from Maven
Central into ~/.m2) into the cache (OIDCFLOW_SPRING_CACHE, else ~/.cache/oidcflow/spring-as),
keyed by a hash of its sources. A second call with the same sources does nothing.
`;

/** `oidcflow-conformance prepare-spring`: the Spring target's build, from the command line. */
export async function prepareSpringCommand(args: string[], write: (text: string) => void): Promise<number> {
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
    const report = await prepareSpring(values['cache-dir'] ? { cacheDirectory: values['cache-dir'] } : {});
    const how = report.built
      ? `built in ${(report.buildMs / 1000).toFixed(1)} s on Java ${report.javaVersion}`
      : 'already built';
    write(`The Spring Authorization Server is ready in ${report.jarPath} (${how}).\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof TargetUnavailable)) throw error;
    write(`prepare-spring: ${error.message}\n`);
    return 1;
  }
}
