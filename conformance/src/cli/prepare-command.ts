import { parseArgs } from 'node:util';
import { TargetUnavailable } from '../targets/target.js';

export interface PrepareCommandSpec {
  /** The subcommand, e.g. `prepare-hydra`. */
  name: string;
  /** What `--help` prints. */
  usage: string;
  /** Builds (or finds) the target's server in `cacheDirectory`; returns the line that says where it is. */
  prepare(cacheDirectory: string | undefined): Promise<string>;
}

/**
 * `oidcflow-conformance prepare-<target> [--cache-dir <dir>]`: a target's first-use build from
 * the command line. Exit status 0 when ready, 1 when the target cannot be prepared here.
 */
export async function runPrepareCommand(
  spec: PrepareCommandSpec,
  args: string[],
  write: (text: string) => void,
): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      'cache-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    write(spec.usage);
    return 0;
  }
  try {
    write(`${await spec.prepare(values['cache-dir'])}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof TargetUnavailable)) throw error;
    write(`${spec.name}: ${error.message}\n`);
    return 1;
  }
}
