import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const directory = mkdtempSync(join(tmpdir(), 'oidcflow-imports-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('the cache-hit path', () => {
  it('loads neither openid-client, undici, the slow path nor any flow', async () => {
    const cachePath = join(directory, 'cache');
    const importLog = join(directory, 'imports.log');
    const env = { ...process.env, HOME: directory, OIDCFLOW_IMPORT_LOG: importLog };
    await run(process.execPath, [join(fixtures, 'cached-token.mjs'), 'seed', cachePath], {
      env,
      timeout: 30_000,
    });
    const { stdout } = await run(
      process.execPath,
      [
        '--import',
        join(fixtures, 'record-imports.mjs'),
        join(fixtures, 'cached-token.mjs'),
        'read',
        cachePath,
      ],
      { env, timeout: 30_000 },
    );
    expect(stdout).toBe('hit');
    const loaded = readFileSync(importLog, 'utf8').split('\n').filter(Boolean);
    // The log is real: core and the file cache were loaded.
    expect(loaded.some((url) => url.includes('/core/dist/index.js'))).toBe(true);
    expect(loaded.some((url) => url.includes('/cache-file/dist/'))).toBe(true);
    const forbidden = loaded.filter((url) =>
      /openid-client|oauth4webapi|jose|undici|flow-authcode|flow-device|flow-credentials|slow-path|http-client/.test(
        url,
      ),
    );
    expect(forbidden).toEqual([]);
  });
});
