import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findJavaRuntime, type JavaRuntime, TargetUnavailable } from '@oidcflow/conformance/targets';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { buildSpringServer } from '../src/build.js';
import { projectFiles, SPRING_PROJECT_DIRECTORY, sourceHash } from '../src/project.js';

const springRequired = (process.env.OIDCFLOW_REQUIRE ?? '')
  .split(',')
  .map((name) => name.trim())
  .includes('spring');

let workDirectory: string;
let java: JavaRuntime | undefined;
let maven = false;

beforeAll(async () => {
  workDirectory = await mkdtemp(join(tmpdir(), 'oidcflow-spring-build-'));
  java = await findJavaRuntime();
  try {
    execFileSync('mvn', ['--version'], { stdio: 'ignore', timeout: 30_000 });
    maven = true;
  } catch {}
});

afterAll(async () => {
  await rm(workDirectory, { recursive: true, force: true });
});

/** A copy of targets/spring/spring-as to change without touching the repository. */
async function projectCopy(name: string): Promise<string> {
  const directory = join(workDirectory, name);
  for (const file of await projectFiles()) {
    await cp(join(SPRING_PROJECT_DIRECTORY, file), join(directory, file), { recursive: true });
  }
  return directory;
}

/** The JDK, when Maven and a JDK are here; else a failure under OIDCFLOW_REQUIRE=spring or a skip. */
function buildTools(context: TestContext): JavaRuntime {
  if (java && maven) return java;
  const reason = `building the Spring target needs Maven and a JDK 17+ (mvn: ${maven ? 'yes' : 'no'}, JDK: ${java ? java.version : 'none'})`;
  if (springRequired) throw new Error(`${reason} (OIDCFLOW_REQUIRE includes spring)`);
  context.skip(reason);
  throw new Error('unreachable');
}

describe('the Spring project sources', () => {
  it('hash to the cache key: any source edit changes it, a target/ of a hand-run mvn does not', async () => {
    const copy = await projectCopy('hash');
    const original = await sourceHash(SPRING_PROJECT_DIRECTORY);
    expect(await sourceHash(copy)).toBe(original);
    await mkdir(join(copy, 'target'), { recursive: true });
    await writeFile(join(copy, 'target', 'app.jar'), 'not a source');
    expect(await sourceHash(copy)).toBe(original);
    await appendFile(join(copy, 'src', 'main', 'resources', 'application.properties'), '\n# edited\n');
    const edited = await sourceHash(copy);
    expect(edited).toMatch(/^[0-9a-f]{16}$/);
    expect(edited).not.toBe(original);
  });
});

describe('buildSpringServer', () => {
  it('builds the jar into the cache once; the second call takes it from there without Maven', async (context) => {
    const jdk = buildTools(context);
    const cacheDirectory = join(workDirectory, 'cache-ok');
    const output: string[] = [];
    const first = await buildSpringServer({
      java: jdk,
      cacheDirectory,
      output: { write: (text: string) => output.push(text) },
    });
    expect(first.built).toBe(true);
    expect(first.jarPath).toBe(join(cacheDirectory, first.sourceHash, 'app.jar'));
    expect(existsSync(first.jarPath)).toBe(true);
    expect(output.join('')).toMatch(/building the Spring Authorization Server with Maven/);
    // Only the jar is kept: the build's copy of the project is gone.
    expect(await readdir(join(cacheDirectory, first.sourceHash))).toEqual(['app.jar']);
    expect(existsSync(join(SPRING_PROJECT_DIRECTORY, 'target'))).toBe(false);

    const path = process.env.PATH;
    process.env.PATH = ''; // No Maven now: a rebuild would fail.
    try {
      const second = await buildSpringServer({ java: jdk, cacheDirectory });
      expect(second).toEqual({
        jarPath: first.jarPath,
        sourceHash: first.sourceHash,
        built: false,
        buildMs: 0,
      });
    } finally {
      process.env.PATH = path;
    }
  }, 600_000);

  it('says why (cause spring) when the sources do not compile, and keeps nothing of the build', async (context) => {
    const jdk = buildTools(context);
    const copy = await projectCopy('broken');
    await writeFile(
      join(copy, 'src', 'main', 'java', 'dev', 'oidcflow', 'springas', 'Broken.java'),
      'package dev.oidcflow.springas;\nclass Broken { int x = "not an int"; }\n',
    );
    const cacheDirectory = join(workDirectory, 'cache-broken');
    const error = await buildSpringServer({
      java: jdk,
      cacheDirectory,
      projectDirectory: copy,
      output: { write: () => {} },
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TargetUnavailable);
    expect((error as TargetUnavailable).skipCause).toBe('spring');
    expect((error as Error).message).toMatch(/Maven build of the Spring Authorization Server failed/);
    expect((error as Error).message).toMatch(/Broken\.java/);
    const hash = await sourceHash(copy);
    expect(await readdir(join(cacheDirectory, hash))).toEqual([]);
  }, 600_000);

  it('says the project is missing (cause spring) when its directory is not there', async (context) => {
    const jdk = buildTools(context);
    const error = await buildSpringServer({
      java: jdk,
      cacheDirectory: join(workDirectory, 'cache-no-project'),
      projectDirectory: join(workDirectory, 'no-such-project'),
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TargetUnavailable);
    expect((error as TargetUnavailable).skipCause).toBe('spring');
    expect((error as Error).message).toMatch(
      /Maven project of the Spring Authorization Server is not readable/,
    );
  });

  it('says Maven is missing (cause spring) when no mvn is on the PATH', async (context) => {
    const jdk = buildTools(context);
    const path = process.env.PATH;
    process.env.PATH = join(workDirectory, 'empty-bin');
    try {
      const error = await buildSpringServer({
        java: jdk,
        cacheDirectory: join(workDirectory, 'cache-no-maven'),
      }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(TargetUnavailable);
      expect((error as TargetUnavailable).skipCause).toBe('spring');
      expect((error as Error).message).toMatch(/no mvn is on the PATH; install Maven/);
    } finally {
      process.env.PATH = path;
    }
  });
});
