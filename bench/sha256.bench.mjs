// The cache key's SHA-256 on a new process's cache hit: core's hand-written SHA-256 and UTF-8
// encoder (packages/core/src/cache/sha256-hex.ts) against node:crypto's one-shot `hash()`.
// The hand-written code stays only while it saves at least 0.5 ms per new process on Node 20
// and 24 (issue 24); bench/RESULTS.md records the figure either way.
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'rolldown';
import { interleave, median, round } from './lib/stats.mjs';
import { root, temporaryDirectories } from './lib/workspace.mjs';

export const title = 'The cache key’s SHA-256';
export const notes =
  'Each run is a new process that hashes the cache key of a cache hit (the same JSON text core hashes) once, timed with `performance.now()` from just before the hash (including loading node:crypto with `process.getBuiltinModule`, as core would) to the digest; medians of interleaved runs. The hand-written code is core’s own `sha256-hex.ts`, bundled for the run; its compile cost is part of core’s entry either way and is not counted.';

const ROUNDS = 40;
// The text core hashes for a typical key (cache/cache-key.ts: JSON of the identity).
const KEY_TEXT = JSON.stringify({
  issuer: 'https://login.example.com/realms/engineering',
  clientId: 'oidcflow-cli',
  scopes: ['openid', 'profile', 'email', 'offline_access'],
  family: 'user',
});

export default async function sha256Benchmarks({ log }) {
  const directories = temporaryDirectories();
  try {
    const directory = await directories.make();
    const bundled = await build({
      input: join(root, 'packages', 'core', 'src', 'cache', 'sha256-hex.ts'),
      platform: 'node',
      write: false,
      logLevel: 'warn',
      output: { format: 'esm' },
    });
    await writeFile(join(directory, 'sha256-hex.mjs'), bundled.output[0].code);
    const script = (body) =>
      `import { sha256Hex } from './sha256-hex.mjs';\n` +
      `const text = ${JSON.stringify(KEY_TEXT)};\n` +
      `const start = performance.now();\n${body}\n` +
      `process.stdout.write(String(performance.now() - start) + ' ' + digest);\n`;
    await writeFile(join(directory, 'hand-written.mjs'), script('const digest = sha256Hex(text);'));
    await writeFile(
      join(directory, 'node-crypto.mjs'),
      script("const digest = process.getBuiltinModule('node:crypto').hash('sha256', text, 'hex');"),
    );
    const digests = new Set();
    const run = (file) => () => {
      const child = spawnSync(process.execPath, [join(directory, file)], { encoding: 'utf8' });
      if (child.status !== 0) throw new Error(`${file} failed: ${child.stderr}`);
      const [milliseconds, digest] = child.stdout.split(' ');
      digests.add(digest);
      return Number(milliseconds);
    };
    log(`${ROUNDS} rounds of two new processes`);
    const measured = await interleave(
      { handWritten: run('hand-written.mjs'), nodeCrypto: run('node-crypto.mjs') },
      { rounds: ROUNDS, warmup: 2 },
    );
    if (digests.size !== 1) throw new Error(`the two digests differ: ${[...digests].join(', ')}`);
    const handWritten = median(measured.handWritten);
    const nodeCrypto = median(measured.nodeCrypto);
    return [
      {
        figure:
          "(a) breakdown: the cache key's SHA-256 in a new process, core's hand-written code vs node:crypto hash()",
        oidcflow: round(handWritten, 3),
        baseline: round(nodeCrypto, 3),
        ratio: round(handWritten / nodeCrypto, 2),
        goal: '—',
        unit: 'ms',
      },
      {
        figure:
          '(a) breakdown: saved per new-process hit by the hand-written SHA-256 (kept only at ≥ 0.5 ms)',
        oidcflow: round(nodeCrypto - handWritten, 3),
        baseline: null,
        ratio: null,
        goal: '—',
        unit: 'ms',
      },
    ];
  } finally {
    await directories.removeAll();
  }
}
