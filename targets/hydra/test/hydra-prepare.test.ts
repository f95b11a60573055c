// The first-use build of Ory Hydra, with a stand-in `go` (so each case takes a second, not
// minutes) and once with the real Go against an unreachable module proxy. The real build is
// exercised by hydra-target.test.ts and prepare-hydra in .ci/run.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { TargetUnavailable } from '@oidcflow/conformance/targets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findGoToolchain } from '../src/go-toolchain.js';
import { prepareHydraBinary } from '../src/index.js';

const run = promisify(execFile);

/** Logs its arguments; `get` keeps the generated go.mod; `build` writes a binary (or fails, or hangs). */
const FAKE_GO = `#!/bin/sh
echo "$*" >> "$FAKE_GO_LOG"
case "$1" in
  env) echo "go\${FAKE_GO_VERSION:-1.26.0}" ;;
  get) cp go.mod "$FAKE_GO_LOG.go.mod"; echo "CGO_ENABLED=$CGO_ENABLED" >> "$FAKE_GO_LOG" ;;
  build)
    out=""; previous=""
    for argument in "$@"; do [ "$previous" = "-o" ] && out="$argument"; previous="$argument"; done
    case "$FAKE_GO_MODE" in
      fail) echo "cgo: C compiler \\"gcc\\" not found" >&2; exit 2 ;;
      hang) echo $$ > "$FAKE_GO_LOG.pid"; sleep 60 ;;
    esac
    printf '#!/bin/sh\\necho "Version: fake"\\n' > "$out"; chmod +x "$out" ;;
esac
`;

let workDirectory: string;
let fakeBin: string;

beforeAll(async () => {
  workDirectory = await mkdtemp(join(tmpdir(), 'oidcflow-hydra-prepare-'));
  fakeBin = join(workDirectory, 'bin');
  await mkdir(fakeBin);
  await writeFile(join(fakeBin, 'go'), FAKE_GO);
  await chmod(join(fakeBin, 'go'), 0o755);
});

afterAll(() => rm(workDirectory, { recursive: true, force: true }));

async function fakeSetup(mode: 'build' | 'fail' | 'hang' = 'build', goVersion?: string) {
  const directory = await mkdtemp(join(workDirectory, 'case-'));
  const log = join(directory, 'go.log');
  const environment: NodeJS.ProcessEnv = {
    PATH: `${fakeBin}:/usr/bin:/bin`,
    HOME: directory,
    CC: '/bin/true',
    FAKE_GO_LOG: log,
    FAKE_GO_MODE: mode,
    ...(goVersion ? { FAKE_GO_VERSION: goVersion } : {}),
  };
  const output: string[] = [];
  return {
    cacheDirectory: join(directory, 'cache'),
    log,
    environment,
    output: { write: (text: string) => output.push(text) },
    printed: () => output.join(''),
  };
}

async function rejection(promise: Promise<unknown>): Promise<TargetUnavailable> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(TargetUnavailable);
  expect((error as TargetUnavailable).skipCause).toBe('hydra');
  return error as TargetUnavailable;
}

describe('building Hydra on first use', () => {
  it('generates the scratch module with the pop replace, builds with cgo and the sqlite tags, then reuses the binary', async () => {
    const setup = await fakeSetup();
    const first = await prepareHydraBinary(setup);
    expect(first).toMatchObject({ version: 'v2.3.0', built: true });
    expect(first.binaryPath).toBe(join(setup.cacheDirectory, 'v2.3.0', 'hydra'));
    expect((await run(first.binaryPath, ['version'])).stdout).toContain('Version: fake');
    // Only the binary is left: the scratch module went with the build.
    expect(await readdir(join(setup.cacheDirectory, 'v2.3.0'))).toEqual(['hydra']);
    const goMod = await readFile(`${setup.log}.go.mod`, 'utf8');
    expect(goMod).toContain(
      'replace github.com/gobuffalo/pop/v6 => github.com/ory/pop/v6 v6.2.1-0.20241121111754-e5dfc0f3344b',
    );
    const calls = await readFile(setup.log, 'utf8');
    expect(calls).toContain('get -tool github.com/ory/hydra/v2@v2.3.0');
    expect(calls).toMatch(
      /^build -tags sqlite,sqlite_omit_load_extension -o \S+ github\.com\/ory\/hydra\/v2$/m,
    );
    expect(calls).toContain('CGO_ENABLED=1');
    expect(setup.printed()).toMatch(/building Ory Hydra v2\.3\.0 from the Go module proxy/);

    // Reused: no go at all this time.
    const second = await prepareHydraBinary({ ...setup, environment: { PATH: '' } });
    expect(second).toMatchObject({ built: false, buildMs: 0, binaryPath: first.binaryPath });
  });

  it('rebuilds a cached binary that does not run (a truncated file)', async () => {
    const setup = await fakeSetup();
    await mkdir(join(setup.cacheDirectory, 'v2.3.0'), { recursive: true });
    await writeFile(join(setup.cacheDirectory, 'v2.3.0', 'hydra'), '\x7fELF truncated', { mode: 0o755 });
    expect((await prepareHydraBinary(setup)).built).toBe(true);
  });

  it('a failed build is a skip with the log tail, and leaves neither a binary nor the scratch module', async () => {
    const setup = await fakeSetup('fail');
    const error = await rejection(prepareHydraBinary(setup));
    expect(error.message).toMatch(/failed at go build \(exit code 2\)/);
    expect(error.message).toContain('cgo: C compiler "gcc" not found');
    expect(await readdir(join(setup.cacheDirectory, 'v2.3.0'))).toEqual([]);
  });

  it('a build past its time bound is stopped, its processes included', async () => {
    const setup = await fakeSetup('hang');
    const error = await rejection(prepareHydraBinary({ ...setup, timeoutMs: 1_500 }));
    expect(error.message).toMatch(/did not finish within 2 s \(go build\)/);
    const pid = Number(await readFile(`${setup.log}.pid`, 'utf8'));
    expect(() => process.kill(pid, 0)).toThrow();
    expect(await readdir(join(setup.cacheDirectory, 'v2.3.0'))).toEqual([]);
  });

  it('a Go older than 1.24 (no go get -tool) is a skip that says so', async () => {
    const setup = await fakeSetup('build', '1.22.5');
    const error = await rejection(prepareHydraBinary(setup));
    expect(error.message).toMatch(/needs Go 1\.24 or newer .* is 1\.22\.5/);
  });

  it('no C compiler is a skip that says to install gcc', async () => {
    const found = await findGoToolchain({ PATH: fakeBin });
    expect(found).toEqual({ missing: expect.stringMatching(/needs cgo and so a C compiler.*install gcc/) });
  });

  it('with the real Go and an unreachable module proxy, the skip names go get and the proxy', async (context) => {
    const toolchain = await findGoToolchain();
    if ('missing' in toolchain) return context.skip(toolchain.missing);
    // A proxy that knows no module: go get fails at once, and nothing of the real caches is touched.
    const proxy: Server = createServer((_request, response) => {
      response.statusCode = 404;
      response.end('not found');
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const address = proxy.address();
    const directory = await mkdtemp(join(workDirectory, 'real-go-'));
    try {
      const error = await rejection(
        prepareHydraBinary({
          cacheDirectory: join(directory, 'cache'),
          output: { write: () => true },
          environment: {
            PATH: process.env.PATH ?? '',
            HOME: directory,
            GOPATH: join(directory, 'gopath'),
            GOMODCACHE: join(directory, 'modcache'),
            GOCACHE: join(directory, 'gocache'),
            GOFLAGS: '-modcacherw',
            GOPROXY: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
            GOSUMDB: 'off',
            GOTOOLCHAIN: 'local',
          },
        }),
      );
      expect(error.message).toMatch(/failed at go get .*GOPROXY/s);
      expect(existsSync(join(directory, 'cache', 'v2.3.0', 'hydra'))).toBe(false);
    } finally {
      await new Promise((resolve) => proxy.close(resolve));
      await rm(directory, { recursive: true, force: true });
    }
  });
});

describe('oidcflow-conformance prepare-hydra', () => {
  it('says where the cached binary is, without building again', async () => {
    const setup = await fakeSetup();
    await prepareHydraBinary(setup);
    // The kit's command, which finds this package installed beside it.
    const bin = join(
      dirname(createRequire(import.meta.url).resolve('@oidcflow/conformance/package.json')),
      'dist',
      'bin.js',
    );
    const { stdout } = await run(
      process.execPath,
      [bin, 'prepare-hydra', '--cache-dir', setup.cacheDirectory],
      {
        env: { ...process.env, PATH: '' },
      },
    );
    expect(stdout).toContain(
      `Ory Hydra v2.3.0 is ready at ${join(setup.cacheDirectory, 'v2.3.0', 'hydra')} (cached).`,
    );
  });
});
