// Where the built packages are, temporary directories, and a stand-in for a user's project
// that has @oidcflow/core and @oidcflow/cache-file installed.
import { copyFile, cp, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = fileURLToPath(new URL('../..', import.meta.url));

/** Imports a workspace package's built entry point (run `pnpm build` first). */
export function importPackage(directory) {
  return import(pathToFileURL(join(root, 'packages', directory, 'dist', 'index.js')).href);
}

/** Imports a dependency as core resolves it (e.g. openid-client, the same copy core uses). */
export function importDependencyOf(packageDirectory, name, entry) {
  return import(pathToFileURL(join(root, 'packages', packageDirectory, 'node_modules', name, entry)).href);
}

/** Temporary directories, all removed by `removeAll`. */
export function temporaryDirectories() {
  const made = [];
  return {
    async make(prefix = 'oidcflow-bench-') {
      const directory = await mkdtemp(join(tmpdir(), prefix));
      made.push(directory);
      return directory;
    },
    async removeAll() {
      for (const directory of made.splice(0)) await rm(directory, { recursive: true, force: true });
    },
  };
}

/**
 * A directory laid out like a user's project that installed @oidcflow/core and
 * @oidcflow/cache-file with npm: node_modules/@oidcflow/{core,cache-file} hold copies of the
 * built packages (package.json and dist/, as npm unpacks them; not links, which Node would
 * follow back into the workspace, where core also sees @oidcflow/cache-keyring), and the given
 * fixture scripts are copied in, so that they import '@oidcflow/core' by name as a user's
 * program does. Under `cache: 'auto'` core then looks for the keyring cache, does not find
 * it, and takes the file cache, as it does for that user.
 */
export async function makeAppDirectory(directories, fixtures) {
  const app = await directories.make('oidcflow-bench-app-');
  const scope = join(app, 'node_modules', '@oidcflow');
  await mkdir(scope, { recursive: true });
  for (const name of ['core', 'cache-file']) {
    const from = join(root, 'packages', name);
    await mkdir(join(scope, name));
    await copyFile(join(from, 'package.json'), join(scope, name, 'package.json'));
    await cp(join(from, 'dist'), join(scope, name, 'dist'), { recursive: true });
  }
  // The peer script's openid-client: the copy core uses.
  await symlink(
    join(root, 'packages', 'core', 'node_modules', 'openid-client'),
    join(app, 'node_modules', 'openid-client'),
    'dir',
  );
  // The MSAL Node peer: the workspace root's bench-only dev dependency.
  await mkdir(join(app, 'node_modules', '@azure'), { recursive: true });
  await symlink(
    join(root, 'node_modules', '@azure', 'msal-node'),
    join(app, 'node_modules', '@azure', 'msal-node'),
    'dir',
  );
  const scripts = {};
  for (const fixture of fixtures) {
    scripts[fixture] = join(app, fixture);
    await copyFile(join(root, 'bench', 'fixtures', fixture), scripts[fixture]);
  }
  return { app, scripts };
}
