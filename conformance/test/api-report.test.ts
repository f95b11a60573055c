// docs/api.md lists every name the published entry points export, each with one line.
// scripts/api-report.mjs --check compares it with the built packages (pnpm build first).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, expect, test } from 'vitest';

const script = fileURLToPath(new URL('../../scripts/api-report.mjs', import.meta.url));
const reportFile = fileURLToPath(new URL('../../docs/api.md', import.meta.url));
const run = promisify(execFile);
const scratch = await mkdtemp(join(tmpdir(), 'oidcflow-api-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

async function check(file: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [script, '--check', '--file', file]);
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

test('docs/api.md lists the exports of the built packages, each described', async () => {
  const { code, output } = await check(reportFile);
  expect(output).toContain('lists every export, each described');
  expect(code).toBe(0);
});

test('an export missing from the file fails the check', async () => {
  const text = await readFile(reportFile, 'utf8');
  expect(text).toContain('| `OidcAuth` | class |');
  const stale = join(scratch, 'missing-row.md');
  await writeFile(stale, text.replace(/^\| `OidcAuth` \|.*\n/m, ''));
  const { code, output } = await check(stale);
  expect(output).toContain('is not what the exports are now');
  expect(code).toBe(1);
});

test('an export without a description fails the check', async () => {
  // FILE_CACHE_NAME has no doc comment, so its line in the file is its only description.
  const text = await readFile(reportFile, 'utf8');
  const bare = join(scratch, 'undescribed.md');
  await writeFile(
    bare,
    text.replace(/^(\| `FILE_CACHE_NAME` \| string constant \|).*$/m, '$1 (undocumented) |'),
  );
  const { code, output } = await check(bare);
  expect(output).toMatch(/undocumented: .*@oidcflow\/cache-file FILE_CACHE_NAME/);
  expect(code).toBe(1);
});
