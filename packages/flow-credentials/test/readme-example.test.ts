import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const examplePath = fileURLToPath(new URL('../examples/client-credentials.mjs', import.meta.url));
const readmePath = fileURLToPath(new URL('../README.md', import.meta.url));

it('the README shows the example file as it is', async () => {
  const [readme, example] = await Promise.all([readFile(readmePath, 'utf8'), readFile(examplePath, 'utf8')]);
  expect(readme).toContain(`\`\`\`js\n${example}\`\`\``);
});

it('the example runs against the embedded IdP: one grant for two calls, private_key_jwt, aud from resource', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [examplePath], {
    env: { PATH: process.env.PATH ?? '' },
    timeout: 30_000,
  });
  expect(stdout).toContain('grants so far: 1');
  expect(stdout).toContain('client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
  expect(stdout).toContain('aud:   https://api.example.test');
});

const workloadExamplePath = fileURLToPath(new URL('../examples/workload-identity.mjs', import.meta.url));

it('the README shows the workload identity example as it is, and it runs with no secret', async () => {
  const [readme, example] = await Promise.all([
    readFile(readmePath, 'utf8'),
    readFile(workloadExamplePath, 'utf8'),
  ]);
  expect(readme).toContain(`\`\`\`js\n${example}\`\`\``);
  const { stdout } = await promisify(execFile)(process.execPath, [workloadExamplePath], {
    env: { PATH: process.env.PATH ?? '' },
    timeout: 30_000,
  });
  expect(stdout).toContain('auto:     source github, spent as jwt_bearer');
  expect(stdout).toContain('sub of the token issued for it: repo:acme/tool:ref:refs/heads/main');
  expect(stdout).toContain('exchange: aud https://api.example.test');
  expect(stdout).toContain('client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
});
