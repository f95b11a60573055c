import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, constants, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { ProgressOutput } from '@oidcflow/conformance/targets';
import { logTail, TargetUnavailable } from '@oidcflow/conformance/targets';
import { defaultHydraCacheDirectory, hydraBinaryPath } from './cache-directory.js';
import { findGoToolchain } from './go-toolchain.js';
import { runGroupedCommand } from './grouped-command.js';
import { HYDRA_BUILD_TAGS, HYDRA_GO_REPLACES, HYDRA_MODULE, HYDRA_VERSION } from './version.js';

const run = promisify(execFile);
const LOG_TAIL_LINES = 25;

/** Where and which Hydra `prepareHydraBinary` builds. */
export interface BuildHydraOptions {
  /** @default HYDRA_VERSION */
  version?: string;
  /** @default OIDCFLOW_HYDRA_CACHE, else ~/.cache/oidcflow/hydra */
  cacheDirectory?: string;
  /** Bound on `go get` plus `go build`. @default 1 800 000 (30 min: 3 min alone on 2 cores, more when shared) */
  timeoutMs?: number;
  /** Where the build says what it does. @default process.stderr */
  output?: ProgressOutput;
  /** The environment of the go commands (GOPROXY, GOPATH, proxies). @default process.env */
  environment?: NodeJS.ProcessEnv;
}

/** A Hydra binary ready to run: where it is, its version, and whether this call built it. */
export interface PreparedHydra {
  version: string;
  cacheDirectory: string;
  binaryPath: string;
  /** True when this call built it; false when the cached binary was reused. */
  built: boolean;
  /** How long this call's build took (0 when reused). */
  buildMs: number;
}

/**
 * The Hydra binary of `version`, built on first use from the Go module proxy into the cache
 * (a scratch module generated here, never in the repository) and reused afterwards.
 * Throws `TargetUnavailable` (cause 'hydra') when it cannot be built on this machine.
 */
export async function prepareHydraBinary(options: BuildHydraOptions = {}): Promise<PreparedHydra> {
  const version = options.version ?? HYDRA_VERSION;
  const cacheDirectory = options.cacheDirectory ?? defaultHydraCacheDirectory();
  const binaryPath = hydraBinaryPath(cacheDirectory, version);
  if (await runs(binaryPath)) return { version, cacheDirectory, binaryPath, built: false, buildMs: 0 };

  const environment = options.environment ?? process.env;
  const toolchain = await findGoToolchain(environment);
  if ('missing' in toolchain) throw new TargetUnavailable(toolchain.missing, 'hydra');
  const output = options.output ?? process.stderr;
  const timeoutMs = options.timeoutMs ?? 1_800_000;
  const startedAt = Date.now();
  // A private scratch module per build: two builds at once do not share one, and the binary
  // appears by an atomic rename, so a reader never sees half of it.
  const buildDirectory = join(dirname(binaryPath), `build-${randomBytes(6).toString('hex')}`);
  const logPath = join(buildDirectory, 'build.log');
  await mkdir(buildDirectory, { recursive: true });
  try {
    const replaces = Object.entries(HYDRA_GO_REPLACES)
      .map(([from, to]) => `replace ${from} => ${to}\n`)
      .join('');
    await writeFile(
      join(buildDirectory, 'go.mod'),
      `module oidcflow.local/hydra-build\n\ngo 1.24\n\n${replaces}`,
    );
    output.write(
      `oidcflow: building Ory Hydra ${version} from the Go module proxy with Go ${toolchain.version} into ${binaryPath} (a few minutes, once)\n`,
    );
    // CC only where go's default (gcc) is absent: setting it changes the build cache's keys,
    // and a build that can reuse the cache of earlier ones takes a fraction of the time.
    const usesDefaultCompiler = Boolean(environment.CC) || basename(toolchain.cCompiler) === 'gcc';
    const goEnvironment: NodeJS.ProcessEnv = {
      ...environment,
      CGO_ENABLED: '1',
      ...(usesDefaultCompiler ? {} : { CC: toolchain.cCompiler }),
    };
    const steps: Array<{ what: string; args: string[] }> = [
      { what: 'go get', args: ['get', '-tool', `${HYDRA_MODULE}@${version}`] },
      {
        what: 'go build',
        args: ['build', '-tags', HYDRA_BUILD_TAGS, '-o', join(buildDirectory, 'hydra'), HYDRA_MODULE],
      },
    ];
    for (const step of steps) {
      const remaining = timeoutMs - (Date.now() - startedAt);
      const result = await runGroupedCommand(toolchain.goPath, step.args, {
        cwd: buildDirectory,
        env: goEnvironment,
        logPath,
        timeoutMs: Math.max(remaining, 1),
        temporaryDirectory: buildDirectory,
      });
      if (result.outcome === 'timed-out') {
        throw new TargetUnavailable(
          `building Ory Hydra ${version} did not finish within ${Math.round(timeoutMs / 1000)} s (${step.what}); last lines of its log:\n${await logTail(logPath, LOG_TAIL_LINES)}`,
          'hydra',
        );
      }
      if (result.code !== 0) {
        throw new TargetUnavailable(
          `building Ory Hydra ${version} failed at ${step.what} (exit code ${result.code}); is the Go module proxy reachable (GOPROXY)? Last lines of its log:\n${await logTail(logPath, LOG_TAIL_LINES)}`,
          'hydra',
        );
      }
    }
    await rename(join(buildDirectory, 'hydra'), binaryPath);
    const buildMs = Date.now() - startedAt;
    output.write(`oidcflow: Ory Hydra ${version} built in ${Math.round(buildMs / 1000)} s\n`);
    return { version, cacheDirectory, binaryPath, built: true, buildMs };
  } finally {
    await rm(buildDirectory, { recursive: true, force: true });
  }
}

/** The cached binary is there and answers `hydra version` (a truncated file would not). */
async function runs(binaryPath: string): Promise<boolean> {
  try {
    await access(binaryPath, constants.X_OK);
    await run(binaryPath, ['version'], { timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}
