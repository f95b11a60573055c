import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SecretService, secretServiceMissing, startSecretService } from './secret-service.js';
import { temporaryDirectories } from './temporary-directory.js';

const examplePath = fileURLToPath(new URL('../examples/encrypted-cache.mjs', import.meta.url));
const readmePath = fileURLToPath(new URL('../README.md', import.meta.url));
const directories = temporaryDirectories();
afterAll(() => directories.removeAll());
/**
 * Runs the example with its temporary directory inside one of this test's (TMPDIR): what its
 * keyring cache leaves in the kernel keyring (the data key's copy) goes with it.
 */
const run = async (env: Record<string, string>) =>
  promisify(execFile)(process.execPath, [examplePath], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: '/nonexistent-home-for-the-example',
      TMPDIR: await directories.make('oidcflow-example-run-'),
      ...env,
    },
    timeout: 30_000,
  });

it('the README shows the example file as it is', async () => {
  const [readme, example] = await Promise.all([readFile(readmePath, 'utf8'), readFile(examplePath, 'utf8')]);
  expect(readme).toContain(`\`\`\`js\n${example}\`\`\``);
});

it.skipIf(process.platform !== 'linux')(
  'the example, with no D-Bus session: the fallback, said aloud',
  async () => {
    const { stdout, stderr } = await run({});
    expect(stdout).toContain('store: file (no OS keyring answers');
    expect(stdout).toContain('requests for the cached token: 0');
    expect(stdout).toMatch(/[0-9a-f]{32}\.json: the token is in clear/);
    expect(stderr).toContain("Set cacheFallback: 'error' to refuse this");
  },
);

const missing = secretServiceMissing();
describe.skipIf(missing !== undefined)(
  `the example with a Secret Service ${missing ? `(skipped: ${missing})` : ''}`,
  () => {
    let service: SecretService | undefined;
    beforeAll(async () => {
      service = await startSecretService();
    });
    afterAll(async () => {
      await service?.stop();
    });
    it('keeps the token encrypted', async () => {
      const { stdout } = await run({ DBUS_SESSION_BUS_ADDRESS: service!.env.DBUS_SESSION_BUS_ADDRESS ?? '' });
      expect(stdout).toContain('store: keyring (the OS keyring answered');
      expect(stdout).toContain('requests for the cached token: 0');
      expect(stdout).toMatch(/[0-9a-f]{32}\.sealed: no token in clear/);
      expect(stdout).not.toContain('.json:');
    });
  },
);
