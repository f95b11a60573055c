import { execFile } from 'node:child_process';
import { access, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { SkipCause } from '../../matrix/cell.js';
import { TargetUnavailable } from '../target.js';

/** A JDK that can run Keycloak. */
export interface JavaRuntime {
  /** The `java` executable. */
  javaPath: string;
  /** Its home, given to kc.sh as JAVA_HOME. */
  javaHome: string;
  /** Feature release, e.g. 25. */
  major: number;
  /** As `java -version` prints it, e.g. "25.0.3". */
  version: string;
}

/** Every 26.x runs on Java 17; older JDKs cannot run Keycloak at all. */
const MINIMUM_MAJOR = 17;
const JVM_DIRECTORY = '/usr/lib/jvm';

/**
 * `findJavaRuntime()`, or `TargetUnavailable` (with `cause`) that says who needs a JDK, where
 * none was found, and what to do (`fix`, e.g. "set JAVA_HOME").
 */
export async function requireJavaRuntime(needs: string, fix: string, cause: SkipCause): Promise<JavaRuntime> {
  const java = await findJavaRuntime();
  if (!java) {
    throw new TargetUnavailable(
      `${needs} needs a JDK 17 or newer and none was found (JAVA_HOME, /usr/lib/jvm, PATH); install one or ${fix}`,
      cause,
    );
  }
  return java;
}

/**
 * The JDK to run Keycloak with: JAVA_HOME's when it works, else the newest one under
 * /usr/lib/jvm, else `java` on the PATH. Each candidate is asked for its version because
 * directory names do not reliably say it.
 */
export async function findJavaRuntime(
  environment: NodeJS.ProcessEnv = process.env,
): Promise<JavaRuntime | undefined> {
  if (environment.JAVA_HOME) {
    const fromHome = await probeJavaHome(environment.JAVA_HOME);
    if (fromHome) return fromHome;
  }
  const installed = await jdksUnder(JVM_DIRECTORY);
  const newest = installed.sort((left, right) => right.major - left.major)[0];
  if (newest) return newest;
  return probeJava('java', undefined);
}

async function jdksUnder(directory: string): Promise<JavaRuntime[]> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch {
    return [];
  }
  const runtimes = await Promise.all(names.map((name) => probeJavaHome(join(directory, name))));
  return runtimes.filter((runtime): runtime is JavaRuntime => runtime !== undefined);
}

async function probeJavaHome(javaHome: string): Promise<JavaRuntime | undefined> {
  const javaPath = join(javaHome, 'bin', 'java');
  try {
    await access(javaPath);
  } catch {
    return undefined;
  }
  return probeJava(javaPath, javaHome);
}

async function probeJava(javaPath: string, javaHome: string | undefined): Promise<JavaRuntime | undefined> {
  const output = await new Promise<string | undefined>((resolve) => {
    execFile(
      javaPath,
      ['-XshowSettings:properties', '-version'],
      { timeout: 15_000 },
      (error, stdout, stderr) => {
        resolve(error ? undefined : `${stdout}\n${stderr}`);
      },
    );
  });
  if (!output) return undefined;
  const version = /version "([^"]+)"/.exec(output)?.[1];
  const home = javaHome ?? /^\s*java\.home = (.+)$/m.exec(output)?.[1]?.trim();
  if (!version || !home) return undefined;
  const major = majorOf(version);
  if (major < MINIMUM_MAJOR) return undefined;
  return { javaPath, javaHome: home, major, version };
}

/** "25.0.3" → 25, "17.0.15" → 17, "1.8.0_392" → 8. */
export function majorOf(version: string): number {
  const [first, second] = version.split(/[.+_-]/);
  const major = Number(first);
  return major === 1 ? Number(second) : major;
}
