import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ConformanceTarget } from './target.js';

/** What a `prepare-<target>` command line gives its target's preparation. */
export interface PrepareValues {
  cacheDirectory?: string;
  version?: string;
  warmUp: boolean;
}

/** One `prepare-<target>` subcommand: a target's first-use build or download. */
export interface TargetPrepareCommand {
  /** What `--help` prints. */
  usage: string;
  /** Takes `--version <v>` (a release other than the pinned one). */
  takesVersion?: boolean;
  /** Takes `--no-warm-up` (prepare without the first start). */
  takesNoWarmUp?: boolean;
  /** Prepares the target (or finds it prepared); returns the line that says where it is. */
  prepare(values: PrepareValues): Promise<string>;
}

/**
 * What a target package's entry exports as `conformanceTargets`: its targets by matrix name and
 * its `prepare-<target>` subcommands. The kit imports the package when a run asks for one of
 * its targets, as core imports a first-party plugin when it is installed.
 */
export interface TargetPackage {
  targets: Readonly<Record<string, (env: NodeJS.ProcessEnv) => ConformanceTarget>>;
  prepareCommands?: Readonly<Record<string, TargetPrepareCommand>>;
}

function isModuleNotFound(error: unknown, specifier: string): boolean {
  const code = (error as { code?: string } | null)?.code;
  const message = String((error as { message?: string } | null)?.message ?? '');
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && message.includes(specifier);
}

/**
 * Where the package's entry is: installed in the project the kit runs in (the working
 * directory, where `pnpm add -D` puts it), else beside the kit itself.
 */
function resolveTargetPackage(packageName: string, cwd: string): string | undefined {
  for (const base of [pathToFileURL(join(cwd, 'package.json')).href, import.meta.url]) {
    try {
      return createRequire(base).resolve(packageName);
    } catch (error) {
      if (!isModuleNotFound(error, packageName)) throw error;
    }
  }
  return undefined;
}

/** The installed target package's `conformanceTargets`, or undefined when it is not installed. */
export async function loadTargetPackage(
  packageName: string,
  cwd: string = process.cwd(),
): Promise<TargetPackage | undefined> {
  const entry = resolveTargetPackage(packageName, cwd);
  if (!entry) return undefined;
  const module = (await import(pathToFileURL(entry).href)) as { conformanceTargets?: TargetPackage };
  if (!module.conformanceTargets?.targets)
    throw new Error(
      `${packageName} (${entry}) does not export conformanceTargets; is it a conformance target package?`,
    );
  return module.conformanceTargets;
}
