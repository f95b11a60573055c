// The cache reader fed random, truncated and mutated bytes: it must answer "miss" or a
// well-formed entry, and never throw past the plugin (a bad file is repaired by a login).
import { mkdir, writeFile } from 'node:fs/promises';
import { type CacheEntry, cacheKeyFor, isFresh } from '@oidcflow/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createFileCache, parseCacheDocument, serializeCacheDocument } from '../src/index.js';
import { contractEntry } from '../src/testing/index.js';
import { temporaryDirectories } from './temporary-directory.js';

const SEED = 0x5eed_cafe;
const directories = temporaryDirectories();
afterAll(() => directories.removeAll());

function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const key = cacheKeyFor({
  issuer: 'https://idp.example.test',
  clientId: 'fuzz-cli',
  scopes: ['openid', 'profile'],
  family: 'user',
});
const SENSITIVE = 'fake-access-token-that-must-never-appear-in-a-warning';
const valid = serializeCacheDocument(key, contractEntry({ accessToken: SENSITIVE }));
const validBytes = Buffer.from(valid, 'utf8');

/** Inputs of several kinds, all from one seeded generator. */
function* fuzzInputs(count: number, random: () => number): Generator<{ kind: string; bytes: Buffer }> {
  const integer = (below: number) => Math.floor(random() * below);
  const randomJson = (depth: number): unknown => {
    const pick = integer(depth > 2 ? 7 : 9);
    const makers: Array<() => unknown> = [
      () => null,
      () => true,
      () => integer(2 ** 31) - 2 ** 30,
      () => 1e308 * (random() < 0.5 ? 1 : -1),
      () => '',
      () => 'x'.repeat(integer(40)),
      () => -0,
      () => Array.from({ length: integer(4) }, () => randomJson(depth + 1)),
      () =>
        Object.fromEntries(Array.from({ length: integer(4) }, (_, i) => [`k${i}`, randomJson(depth + 1)])),
    ];
    return makers[pick]!();
  };
  const structured = JSON.parse(valid) as Record<string, unknown>;
  const paths: string[][] = [];
  const collect = (value: unknown, path: string[]) => {
    paths.push(path);
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [name, child] of Object.entries(value)) collect(child, [...path, name]);
    }
  };
  collect(structured, []);
  for (let index = 0; index < count; index++) {
    switch (index % 5) {
      case 0: {
        const bytes = Buffer.alloc(integer(600));
        for (let i = 0; i < bytes.length; i++) bytes[i] = integer(256);
        yield { kind: 'random bytes', bytes };
        break;
      }
      case 1:
        yield { kind: 'truncated', bytes: validBytes.subarray(0, integer(validBytes.length)) };
        break;
      case 2: {
        const bytes = Buffer.from(validBytes);
        for (let flips = 1 + integer(4); flips > 0; flips--) bytes[integer(bytes.length)] = integer(256);
        yield { kind: 'bytes changed', bytes };
        break;
      }
      case 3: {
        // Valid JSON, one member replaced by a value of another type (or removed).
        const copy = structuredClone(structured);
        const path = paths[1 + integer(paths.length - 1)]!;
        let parent = copy as Record<string, unknown>;
        for (const name of path.slice(0, -1)) parent = parent[name] as Record<string, unknown>;
        const last = path.at(-1)!;
        if (random() < 0.2) delete parent[last];
        else parent[last] = randomJson(0);
        yield { kind: 'member replaced', bytes: Buffer.from(JSON.stringify(copy)) };
        break;
      }
      default:
        yield { kind: 'random JSON', bytes: Buffer.from(JSON.stringify(randomJson(0)) ?? 'null') };
    }
  }
}

/** What a caller may rely on when the reader returns an entry. */
function expectWellFormed(entry: CacheEntry): void {
  expect(typeof entry.tokens.accessToken).toBe('string');
  expect(entry.tokens.accessToken.length).toBeGreaterThan(0);
  expect(typeof entry.tokens.tokenType).toBe('string');
  expect(Number.isFinite(entry.tokens.expiresAt)).toBe(true);
  expect(Number.isFinite(entry.savedAt)).toBe(true);
  expect(typeof entry.flow).toBe('string');
  expect(typeof isFresh(entry, Date.now())).toBe('boolean');
}

describe(`the cache reader under fuzzing (seed ${SEED.toString(16)})`, () => {
  it('parseCacheDocument: 5,000 inputs, never a throw, only misses or well-formed entries', () => {
    const random = seededRandom(SEED);
    const outcomes = { entries: 0, problems: 0 };
    for (const { kind, bytes } of fuzzInputs(5_000, random)) {
      let result: ReturnType<typeof parseCacheDocument>;
      try {
        result = parseCacheDocument(bytes.toString('utf8'), key);
      } catch (error) {
        throw new Error(`parseCacheDocument threw on a "${kind}" input: ${String(error)}`);
      }
      if ('entry' in result) {
        outcomes.entries++;
        expectWellFormed(result.entry);
      } else {
        outcomes.problems++;
        expect(result.problem).not.toContain(SENSITIVE);
      }
    }
    // Both outcomes occur, so the generator explores more than garbage.
    expect(outcomes.entries).toBeGreaterThan(0);
    expect(outcomes.problems).toBeGreaterThan(4_000);
  });

  it('get() over files with those bytes: 400 files, never a rejection, each problem warned once', async () => {
    const cachePath = await directories.make();
    await mkdir(cachePath, { recursive: true, mode: 0o700 });
    const warnings: string[] = [];
    const cache = createFileCache({ cachePath, warn: (m) => warnings.push(m) });
    const path = cache.resolvedCachePath(key)!;
    const random = seededRandom(SEED + 1);
    for (const { kind, bytes } of fuzzInputs(400, random)) {
      await writeFile(path, bytes, { mode: 0o600 });
      const entry = await cache.get(key).catch((error: unknown) => {
        throw new Error(`get() rejected on a "${kind}" file: ${String(error)}`);
      });
      if (entry) expectWellFormed(entry);
    }
    expect(warnings.length).toBeGreaterThan(0);
    expect(new Set(warnings).size).toBe(warnings.length);
    for (const warning of warnings) expect(warning).not.toContain(SENSITIVE);
    // And the file is repaired by the next write.
    await cache.set(key, contractEntry());
    expect(await cache.get(key)).toEqual(contractEntry());
  });
});
