import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const packageDirectory = fileURLToPath(new URL('..', import.meta.url));
const examplePath = fileURLToPath(new URL('../examples/device-login.mjs', import.meta.url));

it('the README shows the example file as it is', async () => {
  const [readme, example] = await Promise.all([
    readFile(new URL('../README.md', import.meta.url), 'utf8'),
    readFile(examplePath, 'utf8'),
  ]);
  expect(readme).toContain(`\`\`\`js\n${example}\`\`\``);
});

// Runs the built package (dist), as a user would: the build comes first in `pnpm test`.
it('the example logs in against the embedded IdP and then serves the token from the cache', async () => {
  const { stdout, stderr } = await promisify(execFile)(process.execPath, [examplePath], {
    cwd: packageDirectory,
    timeout: 30_000,
    env: { PATH: process.env.PATH ?? '' },
  });
  expect(stdout).toContain('logged in as alice');
  expect(stdout).toContain('asked again: 0 requests to the IdP');
  expect(stderr).toMatch(/and enter the code: [A-Z0-9]{4}-[A-Z0-9]{4}/);
  expect(stderr).toContain('Login approved.');
});
