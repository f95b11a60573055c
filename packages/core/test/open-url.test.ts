import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  browserCommands,
  browserEntryCommand,
  openerEnvironment,
  openSystemBrowser,
} from '../src/ports/open-url.js';

const URL_WITH_QUERY = 'https://idp.example.com/auth?client_id=cli&state=a&scope=openid%20profile';

describe('browserEntryCommand', () => {
  it('puts the URL at %s, or last, as one argument', () => {
    expect(browserEntryCommand('firefox --new-tab %s', URL_WITH_QUERY)).toEqual({
      file: 'firefox',
      args: ['--new-tab', URL_WITH_QUERY],
      env: {},
    });
    expect(browserEntryCommand('  chromium  ', URL_WITH_QUERY)).toEqual({
      file: 'chromium',
      args: [URL_WITH_QUERY],
      env: {},
    });
  });

  it('honours quotes without a shell, so a path with spaces stays one word', () => {
    expect(browserEntryCommand('"/opt/My Browser/browser" --flag \'a b\'', 'http://x/')).toEqual({
      file: '/opt/My Browser/browser',
      args: ['--flag', 'a b', 'http://x/'],
      env: {},
    });
  });

  it('ignores an empty entry', () => {
    expect(browserEntryCommand('   ', 'http://x/')).toBeUndefined();
  });
});

describe('browserCommands', () => {
  const files = (env: NodeJS.ProcessEnv, platform: NodeJS.Platform) =>
    browserCommands('http://x/', env, platform).map((command) => command.file);

  it('tries every BROWSER entry first, then the platform opener', () => {
    expect(files({ BROWSER: 'one:two --x' }, 'linux')).toEqual(['one', 'two', 'xdg-open']);
    expect(files({}, 'darwin')).toEqual(['open']);
    // By absolute path: Windows looks for a bare name in the current directory first.
    const rundll32 = join('C:\\Windows', 'System32', 'rundll32.exe');
    expect(files({ BROWSER: 'a;b' }, 'win32')).toEqual(['a', 'b', rundll32]);
    expect(files({ SystemRoot: '/windows' }, 'win32')).toEqual([
      join('/windows', 'System32', 'rundll32.exe'),
    ]);
    expect(files({ SystemRoot: 'relative' }, 'win32')).toEqual([rundll32]);
  });

  // A URL a hostile discovery document chose: under cmd.exe, %OIDCFLOW_CLIENT_SECRET% expands
  // even inside quotes. No opener may pass it through cmd.exe or give it the secret.
  const HOSTILE_URL = 'https://idp.example.com/auth?x=%OIDCFLOW_CLIENT_SECRET%&y=%25AWS_SECRET_ACCESS_KEY%25';
  const ENV = {
    PATH: '/usr/bin',
    DISPLAY: ':0',
    BROWSER: 'firefox',
    OIDCFLOW_CLIENT_SECRET: 'client-secret-value',
    OIDCFLOW_ISSUER: 'https://idp.example.com',
    AWS_SECRET_ACCESS_KEY: 'aws-secret',
    GITHUB_TOKEN: 'ghp_x',
    AZURE_CLIENT_SECRET: 'azure',
    MY_API_KEY: 'k',
    DB_PASSWORD: 'p',
  };
  const SAFE_ENV = { PATH: '/usr/bin', DISPLAY: ':0', BROWSER: 'firefox' };

  it('openerEnvironment keeps only what a browser needs: no oidcflow setting, no secret of any name', () => {
    expect(openerEnvironment(ENV)).toEqual(SAFE_ENV);
    expect(
      openerEnvironment({
        LANG: 'C.UTF-8',
        LC_ALL: 'C.UTF-8',
        XDG_RUNTIME_DIR: '/run/user/1',
        HTTPS_PROXY: 'http://proxy:3128',
        http_proxy: 'http://user:secret@proxy:3128',
        ALL_PROXY: 'user:secret@proxy:1080',
        SystemRoot: 'C:\\Windows',
        DATABASE_URL: 'postgres://u:p@db/x',
        CI_JOB_JWT: 'jwt',
      }),
    ).toEqual({
      LANG: 'C.UTF-8',
      LC_ALL: 'C.UTF-8',
      XDG_RUNTIME_DIR: '/run/user/1',
      HTTPS_PROXY: 'http://proxy:3128',
      SystemRoot: 'C:\\Windows',
    });
  });

  it.each([
    [
      'win32',
      {},
      [[join('C:\\Windows', 'System32', 'rundll32.exe'), ['url.dll,FileProtocolHandler', HOSTILE_URL]]],
    ],
    ['darwin', {}, [['open', [HOSTILE_URL]]]],
    ['linux', {}, [['xdg-open', [HOSTILE_URL]]]],
    ['freebsd', {}, [['xdg-open', [HOSTILE_URL]]]],
    [
      'linux',
      { WSL_DISTRO_NAME: 'Debian' },
      [
        ['wslview', [HOSTILE_URL]],
        ['explorer.exe', [HOSTILE_URL]],
        ['xdg-open', [HOSTILE_URL]],
      ],
    ],
  ] as const)(
    '%s %j: the URL is one argument, no cmd.exe, no secret in the environment',
    (platform, extra, expected) => {
      const env = { ...ENV, ...extra };
      delete (env as Record<string, string>).BROWSER;
      const commands = browserCommands(HOSTILE_URL, env, platform);
      expect(commands.map((command) => [command.file, command.args])).toEqual(expected);
      for (const command of commands) {
        expect(command.file.toLowerCase()).not.toMatch(/cmd(\.exe)?$/);
        expect(command.env).toEqual({ PATH: '/usr/bin', DISPLAY: ':0', ...extra });
      }
    },
  );

  it('a BROWSER entry gets the same environment without secrets', () => {
    const [command] = browserCommands(HOSTILE_URL, ENV, 'linux');
    expect(command).toMatchObject({ file: 'firefox', args: [HOSTILE_URL], env: SAFE_ENV });
  });
});

describe('openSystemBrowser', () => {
  it('reports success for the first command that exits 0, failure when none does', async () => {
    expect(
      await openSystemBrowser(
        'http://127.0.0.1:1/x',
        { BROWSER: 'false:true', PATH: process.env.PATH },
        'darwin',
      ),
    ).toBe(true);
    expect(
      await openSystemBrowser(
        'http://127.0.0.1:1/x',
        { BROWSER: 'oidcflow-no-such-command', PATH: '/nonexistent' },
        'linux',
      ),
    ).toBe(false);
  });

  it('the opener process really runs without the secrets', async () => {
    const { mkdtemp, readFile, rm, writeFile, chmod } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const directory = await mkdtemp(join(tmpdir(), 'oidcflow-opener-'));
    try {
      const opener = join(directory, 'opener.sh');
      await writeFile(opener, `#!/bin/sh\nenv > '${directory}/env.txt'\n`);
      await chmod(opener, 0o755);
      const opened = await openSystemBrowser(
        'http://127.0.0.1:1/x',
        { BROWSER: opener, PATH: process.env.PATH, OIDCFLOW_CLIENT_SECRET: 'the-secret', LANG: 'C.UTF-8' },
        'linux',
      );
      expect(opened).toBe(true);
      const seen = await readFile(join(directory, 'env.txt'), 'utf8');
      expect(seen).toContain('LANG=C.UTF-8');
      expect(seen).not.toContain('the-secret');
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('opens only http and https URLs', async () => {
    expect(
      await openSystemBrowser('file:///etc/passwd', { BROWSER: 'true', PATH: process.env.PATH }, 'linux'),
    ).toBe(false);
    expect(await openSystemBrowser('not a url', { BROWSER: 'true', PATH: process.env.PATH }, 'linux')).toBe(
      false,
    );
  });
});
