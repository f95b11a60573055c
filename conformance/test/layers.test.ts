// scripts/check-layers.mjs runs in `pnpm lint`; here it runs on small trees made on purpose,
// so a check that passes everything would fail this test.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, expect, test } from 'vitest';

const script = fileURLToPath(new URL('../../scripts/check-layers.mjs', import.meta.url));
const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);
const trees: string[] = [];

afterEach(async () => {
  await Promise.all(trees.splice(0).map((tree) => rm(tree, { recursive: true, force: true })));
});

async function tree(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'oidcflow-layers-'));
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

test('protocol/ importing lifecycle/, and spec/ importing ports/ (type-only too), fail', async () => {
  const root = await tree({
    'packages/core/src/lifecycle/token-set.ts': 'export const t = 1;\n',
    'packages/core/src/protocol/port.ts':
      "import { t } from '../lifecycle/token-set.js';\nexport const p = t;\n",
    'packages/core/src/ports/logger.ts': 'export interface Logger {}\n',
    'packages/core/src/spec/flow.ts':
      "import type { Logger } from '../ports/logger.js';\nexport type L = Logger;\n",
  });
  const { code, output } = await check(root);
  expect(code).toBe(1);
  expect(output).toContain(
    'packages/core/src/protocol/port.ts (protocol/) imports ../lifecycle/token-set.js',
  );
  expect(output).toContain('packages/core/src/spec/flow.ts (spec/) imports ../ports/logger.js');
});

test('a plugin importing another plugin fails; cache-keyring may import the file cache', async () => {
  const root = await tree({
    'packages/flow-device/src/a.ts': "import { x } from '@oidcflow/flow-authcode';\nexport const a = x;\n",
    'packages/cache-keyring/src/b.ts': "import { y } from '@oidcflow/cache-file';\nexport const b = y;\n",
  });
  const { code, output } = await check(root);
  expect(code).toBe(1);
  expect(output).toContain('packages/flow-device/src/a.ts imports @oidcflow/flow-authcode');
  expect(output).not.toContain('cache-keyring');
});

test('downward imports pass, and so does this repository', async () => {
  const root = await tree({
    'packages/core/src/protocol/port.ts': "import { s } from '../spec/tokens.js';\nexport const p = s;\n",
    'packages/core/src/spec/tokens.ts': 'export const s = 1;\n',
  });
  expect((await check(root)).code).toBe(0);
  expect((await check(repositoryRoot)).code).toBe(0);
});
