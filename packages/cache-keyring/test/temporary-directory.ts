import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Temporary directories made by a test file, removed by `removeAll` in afterEach/afterAll. */
export function temporaryDirectories() {
  const made: string[] = [];
  return {
    async make(prefix = 'oidcflow-cache-'): Promise<string> {
      const directory = await mkdtemp(join(tmpdir(), prefix));
      made.push(directory);
      return directory;
    },
    async removeAll(): Promise<void> {
      for (const directory of made.splice(0)) await rm(directory, { recursive: true, force: true });
    },
  };
}
