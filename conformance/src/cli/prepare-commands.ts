import { parseArgs } from 'node:util';
import { installHint, TARGET_PACKAGES, targetPackageOf } from '../targets/registry.js';
import { TargetUnavailable } from '../targets/target.js';
import { loadTargetPackage, type TargetPrepareCommand } from '../targets/target-package.js';

/** The `prepare-<target>` subcommands of oidcflow-conformance: each target package brings its own. */
export const PREPARE_COMMAND_NAMES: readonly string[] = TARGET_PACKAGES.flatMap(
  (entry) => entry.prepareCommands,
);

/** The subcommand from its target package, or the line that says how to install that package. */
async function findPrepareCommand(name: string): Promise<TargetPrepareCommand | string> {
  const packageName = targetPackageOf(name)?.packageName;
  if (!packageName) return `${name} is no prepare command`;
  const targetPackage = await loadTargetPackage(packageName);
  if (!targetPackage) return `${name} comes in ${installHint(packageName)}`;
  return targetPackage.prepareCommands?.[name] ?? `${packageName} has no ${name} command`;
}

/**
 * `oidcflow-conformance <name> [--cache-dir <dir>] …`: a target's preparation from the command
 * line. Exit status 0 when ready, 1 when the target cannot be prepared here.
 */
export async function runPrepareCommand(
  name: string,
  args: string[],
  write: (text: string) => void,
): Promise<number> {
  const command = await findPrepareCommand(name);
  if (typeof command === 'string') {
    write(`${command}\n`);
    return 1;
  }
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
