import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * targets/spring/spring-as: the Maven project of the Spring Authorization Server the harness runs.
 * The same relative path works from src/ (vitest) and dist/ (the built CLI).
 */
export const SPRING_PROJECT_DIRECTORY = fileURLToPath(new URL('../spring-as/', import.meta.url));

/** The Spring Boot release the project builds on (its pom's parent). */
export const SPRING_BOOT_VERSION = '4.0.7';

/** The Spring Security release (its authorization server included) that Boot manages. */
export const SPRING_SECURITY_VERSION = '7.0.6';

/** What goes into the build: the pom and src/ (never target/, where a hand-run mvn writes). */
export async function projectFiles(directory: string = SPRING_PROJECT_DIRECTORY): Promise<string[]> {
  const files = ['pom.xml'];
  const walk = async (folder: string): Promise<void> => {
    const entries = await readdir(folder, { withFileTypes: true });
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) files.push(relative(directory, path).split(sep).join('/'));
    }
  };
  await walk(join(directory, 'src'));
  return files.sort();
}

/**
 * A digest of the project's sources (paths and contents): the cache key of the built jar, so an
 * edit to any source rebuilds it and nothing else does.
 */
export async function sourceHash(directory: string = SPRING_PROJECT_DIRECTORY): Promise<string> {
  const hash = createHash('sha256');
  for (const file of await projectFiles(directory)) {
    const content = await readFile(join(directory, file));
    hash.update(`${file}\0${content.length}\0`);
    hash.update(content);
  }
  return hash.digest('hex').slice(0, 16);
}
