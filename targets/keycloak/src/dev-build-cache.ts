import { randomBytes } from 'node:crypto';
import { access, cp, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * `start-dev` first re-augments the server ("Updating the configuration…", about 30 s on two
 * cores) and writes the result to lib/quarkus. Keeping that result in the cache, per Keycloak
 * version and Java release, lets later runs skip it. Keycloak itself re-augments when the kept
 * build does not match the options, so a stale copy costs time, never correctness.
 */
const READY_MARKER = '.oidcflow-ready';

export function devBuildDirectory(cacheDirectory: string, version: string, javaMajor: number): string {
  return join(cacheDirectory, `keycloak-${version}-dev-build-java${javaMajor}`);
}

export async function hasDevBuild(directory: string): Promise<boolean> {
  try {
    await access(join(directory, READY_MARKER));
    return true;
  } catch {
    return false;
  }
}

/** Puts the kept build into a run's copy of Keycloak; false when there is none. */
export async function restoreDevBuild(directory: string, keycloakHome: string): Promise<boolean> {
  if (!(await hasDevBuild(directory))) return false;
  const target = join(keycloakHome, 'lib', 'quarkus');
  await rm(target, { recursive: true, force: true });
  await cp(join(directory, 'quarkus'), target, { recursive: true });
  return true;
}

/** Keeps a run's augmented lib/quarkus; the first writer wins, a concurrent one discards its copy. */
export async function saveDevBuild(directory: string, keycloakHome: string): Promise<void> {
  if (await hasDevBuild(directory)) return;
  const work = `${directory}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    await mkdir(work, { recursive: true });
    await cp(join(keycloakHome, 'lib', 'quarkus'), join(work, 'quarkus'), { recursive: true });
    await writeFile(join(work, READY_MARKER), `${new Date().toISOString()}\n`);
    await rm(directory, { recursive: true, force: true });
    await rename(work, directory).catch(async (error: unknown) => {
      if (!(await hasDevBuild(directory))) throw error;
    });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
