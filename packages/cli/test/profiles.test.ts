// Profiles of the configuration file through the built `oidcflow`: a profile drives a login,
// flag > variable > profile > default with `explain` naming each origin, `profile set/use`
// keep the file's comments, and a bad file is an error naming its file, line and option.
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { completeAuthorizationWithoutBrowser, startTestIdp, type TestIdp } from '@oidcflow/test-idp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assertBuilt, CliSandbox } from './support/cli-process.js';

let idp: TestIdp;
let sandbox: CliSandbox;
let config: string;

beforeAll(async () => {
  assertBuilt();
  idp = await startTestIdp();
});
afterAll(async () => {
  await idp.stop();
});
beforeEach(async () => {
  sandbox = await CliSandbox.create();
  config = join(sandbox.home, '.config', 'oidcflow', 'config.toml');
  await mkdir(join(sandbox.home, '.config', 'oidcflow'), { recursive: true });
});
afterEach(async () => {
  await sandbox.dispose();
});

const profileText = () => `# written by hand: the test IdP, browser login, URL printed
default-profile = "dev"

[profiles.dev]
issuer = "${idp.issuer}"   # the embedded IdP
client-id = "${idp.clients.native.clientId}"
scope = ["openid", "profile"]
flow = "auth_code"
no-browser = true
callback-port = 0
cache-path = "${sandbox.cachePath}"
login-hint = "alice"

[profiles.other]
issuer = "https://other.example"
client-id = "other"
`;

describe('profiles', () => {
  it('the default profile (in $HOME/.config/oidcflow/config.toml) drives a login; token then answers from it', async () => {
    await writeFile(config, profileText());
    const cli = sandbox.start(['login']);
    const [, url] = await cli.waitForStderr(/^\s+(http:\/\/127\.0\.0\.1:\d+\/auth\?\S+)$/m);
    expect(new URL(url!).searchParams.get('login_hint')).toBe('alice');
    await (await fetch(await completeAuthorizationWithoutBrowser(url!, idp.users.alice))).text();
    const login = await cli.done;
    expect(login.code, login.stderr).toBe(0);
    expect(login.stderr).toMatch(/Logged in as alice/);
    const token = await sandbox.run(['token']);
    expect(token.code, token.stderr).toBe(0);
    expect(token.stdout.trim().length).toBeGreaterThan(10);
  });

  it('flag > variable > profile > default, and explain says where each came from', async () => {
    await writeFile(config, profileText());
    const result = await sandbox.run(['explain', '--callback-port', '9999'], { OIDCFLOW_LOGIN_HINT: 'bob' });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/--callback-port 9999 +from --callback-port/);
    expect(result.stdout).toMatch(/--login-hint bob +from OIDCFLOW_LOGIN_HINT/);
    expect(result.stdout).toMatch(
      new RegExp(
        `--issuer ${idp.issuer.replaceAll('.', '\\.')} +from profile dev \\(${config.replaceAll('.', '\\.')}:5\\)`,
      ),
    );
    expect(result.stdout).toMatch(/--profile dev +from default-profile in /);
    const json = JSON.parse((await sandbox.run(['explain', '--output', 'json', '--profile', 'dev'])).stdout);
    expect(json.settings).toContainEqual({
      option: '--client-id',
      value: idp.clients.native.clientId,
      from: `profile dev (${config}:6)`,
    });
    expect(json.settings).toContainEqual({ option: '--profile', value: 'dev', from: '--profile' });

    // A profile's client-secret-file gives way to OIDCFLOW_CLIENT_SECRET, as in the library.
    await writeFile(join(sandbox.home, 'secret'), 'from-the-file\n');
    const secretLine = `client-secret-file = "${join(sandbox.home, 'secret')}"`;
    await writeFile(
      config,
      profileText().replace('login-hint = "alice"\n', `login-hint = "alice"\n${secretLine}\n`),
    );
    const optionsOf = async (env: Record<string, string>) => {
      const explained = await sandbox.run(['explain', '-o', 'json'], env);
      expect(explained.code, explained.stderr).toBe(0);
      return JSON.parse(explained.stdout).settings.map((row: { option: string }) => row.option);
    };
    expect(await optionsOf({})).toContain('--client-secret-file');
    expect(await optionsOf({ OIDCFLOW_CLIENT_SECRET: 'x' })).not.toContain('--client-secret-file');
  });

  it('profile set and use change one line each; comments and order stay', async () => {
    await writeFile(config, profileText());
    expect((await sandbox.run(['profile', 'set', 'other', 'client-id', 'renamed'])).code).toBe(0);
    expect((await sandbox.run(['profile', 'set', 'other', 'acr-values', 'gold', 'silver'])).code).toBe(0);
    expect((await sandbox.run(['profile', 'use', 'other'])).code).toBe(0);
    const text = await readFile(config, 'utf8');
    expect(text).toBe(
      profileText()
        .replace('default-profile = "dev"', 'default-profile = "other"')
        .replace('client-id = "other"', 'client-id = "renamed"\nacr-values = ["gold", "silver"]'),
    );
    const list = await sandbox.run(['profile', 'list']);
    expect(list.stdout).toMatch(/^ {2}dev\n\* other\n/);
    const show = await sandbox.run(['profile', 'show']);
    expect(show.stdout).toMatch(/^client-id = renamed {2}\(line 16\)$/m);
  });

  it('a malformed, unknown-option or unreadable file, and an unknown profile: exit 7 naming the place', async () => {
    await writeFile(config, '# ok\n[profiles.dev]\nissuer = "https://x.example"\nclient-id = oops\n');
    let result = await sandbox.run(['token']);
    expect(result.code).toBe(7);
    expect(result.stderr).toContain(`oidcflow: ${config}:4: not valid TOML`);

    await writeFile(config, '[profiles.dev]\nissuer = "https://x.example"\n\nisuer = "typo"\n');
    result = await sandbox.run(['status']);
    expect(result.code).toBe(7);
    expect(result.stderr).toContain(`${config}:4: unknown option "isuer" in profile "dev"`);

    await writeFile(config, '[profiles.dev]\ncallback-port = "8000"\n');
    result = await sandbox.run(['login']);
    expect(result.stderr).toContain(
      `${config}:2: option "callback-port" in profile "dev" must be a whole number`,
    );

    await writeFile(config, profileText());
    result = await sandbox.run(['token', '--profile', 'prod']);
    expect(result.code).toBe(7);
    expect(result.stderr).toContain(`${config}: no profile "prod"; the profiles are: dev, other.`);

    const directory = join(sandbox.home, 'a-directory');
    await mkdir(directory);
    result = await sandbox.run(['token'], { OIDCFLOW_CONFIG: directory });
    expect(result.code).toBe(7);
    expect(result.stderr).toContain(`${directory}: the configuration file cannot be read (EISDIR)`);
    if (process.getuid?.() !== 0) {
      await chmod(config, 0o000);
      result = await sandbox.run(['token']);
      expect(result.stderr).toContain(`${config}: the configuration file cannot be read (EACCES)`);
    }
  });
});
