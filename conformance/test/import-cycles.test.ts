// scripts/check-import-cycles.mjs runs in `pnpm lint`; here it runs on small trees made on
// purpose, so a check that passes everything would fail this test.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, expect, test } from 'vitest';

const script = fileURLToPath(new URL('../../scripts/check-import-cycles.mjs', import.meta.url));
const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);
const trees: string[] = [];

afterEach(async () => {
  await Promise.all(trees.splice(0).map((tree) => rm(tree, { recursive: true, force: true })));
});

async function tree(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'oidcflow-cycles-'));
  trees.push(root);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

async function check(root: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [script, root]);
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

test('a type-only cycle over three files fails and names each file', async () => {
  const root = await tree({
    'packages/one/src/a.ts': "import type { B } from './b.js';\nexport type A = B;\n",
    'packages/one/src/b.ts': "import {\n  type C,\n} from './nested/c.js';\nexport type B = C;\n",
    'packages/one/src/nested/c.ts': "export type { A as C } from '../a.js';\n",
  });
  const { code, output } = await check(root);
  expect(code).toBe(1);
  expect(output).toContain('1 found');
  for (const file of ['a.ts', 'b.ts', 'nested/c.ts']) expect(output).toContain(`packages/one/src/${file}`);
});

test('one-way imports, test files and commented-out imports pass', async () => {
  const root = await tree({
    'conformance/src/a.ts':
      "// import { b } from './b.js';\nimport { c } from './c.js';\nexport const a = c;\n",
    'conformance/src/b.ts': "import { a } from './a.js';\nexport const b = a;\n",
    'conformance/src/c.ts': 'export const c = 1;\n',
    'conformance/src/c.test.ts': "import { b } from './b.js';\nexport const t = b;\n",
  });
  const { code, output } = await check(root);
  expect(output).toContain('none in 3 product source files');
  expect(code).toBe(0);
});

test('the product code of this repository has no import cycle', async () => {
  const { code, output } = await check(repositoryRoot);
  expect(output).toMatch(/none in \d+ product source files/);
  expect(code).toBe(0);
});
