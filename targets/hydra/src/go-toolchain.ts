import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface GoToolchain {
  goPath: string;
  /** "1.26.8" */
  version: string;
  /** The C compiler cgo will use (sqlite needs one). */
  cCompiler: string;
}

/** `go get -tool` came with Go 1.24. */
const MINIMUM_GO = [1, 24] as const;

function onPath(name: string, environment: NodeJS.ProcessEnv): string | undefined {
  for (const directory of (environment.PATH ?? '').split(delimiter)) {
    if (!directory) continue;
    const candidate = join(directory, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * The Go toolchain and C compiler that can build Hydra here, or why not (a sentence that
 * says what to install). Looks at PATH, then the usual install location of go.dev's archive.
 */
export async function findGoToolchain(
  environment: NodeJS.ProcessEnv = process.env,
): Promise<GoToolchain | { missing: string }> {
  const goPath = onPath('go', environment) ?? ['/usr/local/go/bin/go'].find((path) => existsSync(path));
  if (!goPath)
    return {
      missing: `building Ory Hydra needs Go ${MINIMUM_GO.join('.')} or newer, and no go was found on PATH or in /usr/local/go; install it from go.dev/dl`,
    };
  let version: string;
  try {
    const { stdout } = await run(goPath, ['env', 'GOVERSION'], { timeout: 20_000, env: environment });
    version = stdout.trim().replace(/^go/, '');
  } catch (error) {
    return { missing: `${goPath} does not run (${(error as Error).message.split('\n')[0]})` };
  }
  const [major = 0, minor = 0] = version.split('.').map((part) => Number.parseInt(part, 10));
  if (major < MINIMUM_GO[0] || (major === MINIMUM_GO[0] && minor < MINIMUM_GO[1])) {
    return {
      missing: `building Ory Hydra needs Go ${MINIMUM_GO.join('.')} or newer (go get -tool); ${goPath} is ${version}`,
    };
  }
  const cCompiler = environment.CC?.trim() || onPath('gcc', environment) || onPath('cc', environment);
  if (!cCompiler) {
    return {
      missing:
        'building Ory Hydra with SQLite (DSN=memory) needs cgo and so a C compiler, and neither gcc nor cc is on PATH; install gcc (apt-get install gcc)',
    };
  }
  return { goPath, version, cCompiler };
}
