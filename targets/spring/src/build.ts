import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { access, constants, cp, mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { JavaRuntime, ProgressOutput } from '@oidcflow/conformance/targets';
import { logTail, stopGroup, TargetUnavailable, trackGroup } from '@oidcflow/conformance/targets';
import { defaultSpringCacheDirectory } from './cache-directory.js';
import { projectFiles, SPRING_PROJECT_DIRECTORY, sourceHash } from './project.js';

/** Where the Spring Authorization Server is built from and into. */
export interface BuildSpringServerOptions {
  /** The JDK that compiles it (it needs javac). */
  java: JavaRuntime;
  /** @default OIDCFLOW_SPRING_CACHE, else ~/.cache/oidcflow/spring-as */
  cacheDirectory?: string;
  /** @default targets/spring/spring-as */
  projectDirectory?: string;
  /** Where "building…" goes when the jar is not cached yet. @default process.stderr */
  output?: ProgressOutput;
  /** Bound on the Maven build (a first build downloads Spring into ~/.m2). @default 600 000 */
  buildTimeoutMs?: number;
}

/** The built server's jar, and whether this call built it. */
export interface BuiltSpringServer {
  /** <cache>/<hash>/app.jar */
  jarPath: string;
  /** The hash of the sources it was built from. */
  sourceHash: string;
  /** Built in this call (false: taken from the cache). */
  built: boolean;
  /** How long the Maven build took in this call, in ms (0 when cached). */
  buildMs: number;
}

const LOG_TAIL_LINES = 40;

/**
 * The server's executable jar, built with Maven on first use into the cache and rebuilt only
 * when the sources change. The build runs in a copy of the project inside the cache (the
 * repository gets no target/), in its own process group (stopped on Ctrl-C), and the jar is
 * moved into place only once complete.
 *
 * Throws `TargetUnavailable` (cause 'spring') when it cannot be built here.
 */
export async function buildSpringServer(options: BuildSpringServerOptions): Promise<BuiltSpringServer> {
  const projectDirectory = options.projectDirectory ?? SPRING_PROJECT_DIRECTORY;
  let hash: string;
  try {
    hash = await sourceHash(projectDirectory);
  } catch (error) {
    throw new TargetUnavailable(
      `the Maven project of the Spring Authorization Server is not readable at ${projectDirectory} (${(error as Error).message})`,
      'spring',
      { cause: error },
    );
  }
  const versionDirectory = join(options.cacheDirectory ?? defaultSpringCacheDirectory(), hash);
  const jarPath = join(versionDirectory, 'app.jar');
  if (await isFile(jarPath)) return { jarPath, sourceHash: hash, built: false, buildMs: 0 };

  const maven = await findOnPath('mvn');
  if (!maven) {
    throw new TargetUnavailable(
      'the Spring Authorization Server is built with Maven and no mvn is on the PATH; install Maven (apt-get install maven)',
      'spring',
    );
  }
  if (!(await isFile(join(options.java.javaHome, 'bin', 'javac')))) {
    throw new TargetUnavailable(
      `the JDK at ${options.java.javaHome} has no javac, so the Spring Authorization Server cannot be built; install a full JDK 17+`,
      'spring',
    );
  }
  await mkdir(versionDirectory, { recursive: true });
  const buildDirectory = await mkdtemp(join(versionDirectory, 'build-'));
  const output = options.output ?? process.stderr;
  output.write(
    `oidcflow: building the Spring Authorization Server with Maven on Java ${options.java.version} (first use of these sources; kept in ${versionDirectory})\n`,
  );
  const startedAt = Date.now();
  try {
    for (const file of await projectFiles(projectDirectory)) {
      await cp(join(projectDirectory, file), join(buildDirectory, file), { recursive: true });
    }
    await runMaven(maven, buildDirectory, options.java, options.buildTimeoutMs ?? 600_000);
    // rename() is atomic: a run started meanwhile sees no jar or a whole one.
    await rename(join(buildDirectory, 'target', 'app.jar'), jarPath);
  } finally {
    await rm(buildDirectory, { recursive: true, force: true });
  }
  return { jarPath, sourceHash: hash, built: true, buildMs: Date.now() - startedAt };
}

async function runMaven(
  maven: string,
  directory: string,
  java: JavaRuntime,
  timeoutMs: number,
): Promise<void> {
  const logPath = join(directory, 'maven.log');
  const logFile = openSync(logPath, 'w', 0o600);
  let child: ReturnType<typeof spawn>;
  try {
    child = spawn(maven, ['--batch-mode', '--no-transfer-progress', 'package', '-DskipTests'], {
      cwd: directory,
      env: { ...process.env, JAVA_HOME: java.javaHome, MAVEN_OPTS: '-XX:TieredStopAtLevel=1' },
      detached: true,
      stdio: ['ignore', logFile, logFile],
    });
  } finally {
    closeSync(logFile);
  }
  const groupId = child.pid;
  if (groupId === undefined) throw new Error(`${maven} could not be started (no pid)`);
  trackGroup(groupId, directory);
  const exit = await new Promise<string>((resolve) => {
    const timer = setTimeout(() => resolve('timeout'), timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(signal ?? String(code));
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve(error.message);
    });
  });
  await stopGroup(groupId, 2_000);
  if (exit === '0') return;
  const tail = await logTail(logPath, LOG_TAIL_LINES);
  const what =
    exit === 'timeout' ? `did not finish within ${Math.round(timeoutMs / 1000)} s` : `failed (${exit})`;
  throw new TargetUnavailable(
    `the Maven build of the Spring Authorization Server ${what}; Maven Central must be reachable on first use (or ~/.m2 filled). Last lines of its log:\n${tail}`,
    'spring',
  );
}

async function findOnPath(name: string): Promise<string | undefined> {
  for (const folder of (process.env.PATH ?? '').split(delimiter)) {
    if (!folder) continue;
    const candidate = join(folder, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
