import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const examplePath = fileURLToPath(new URL('../examples/token-cache.mjs', import.meta.url));
const readmePath = fileURLToPath(new URL('../README.md', import.meta.url));

it('the README shows the example file as it is', async () => {
  const [readme, example] = await Promise.all([readFile(readmePath, 'utf8'), readFile(examplePath, 'utf8')]);
  expect(readme).toContain(`\`\`\`js\n${example}\`\`\``);
});

it('the example runs: a cached token costs no request, the file is 0600 in a 0700 directory', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [examplePath], {
    env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent-home-for-the-example' },
    timeout: 30_000,
  });
  expect(stdout).toContain('requests for the cached token: 0');
  if (process.platform !== 'win32') expect(stdout).toContain('(mode 600, directory 700)');
  expect(stdout).toContain('format version 1, written by the client_credentials flow');
  expect(stdout).toContain('/nonexistent-home-for-the-example/.cache/oidcflow');
});
