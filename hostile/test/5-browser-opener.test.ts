// Issue 12, item 5: the browser opener. Under cmd.exe, %NAME% expands even inside quotes, so
// an authorization URL from a hostile discovery document could carry any environment
// variable's value to the IdP; and every opener inherited oidcflow's secrets.
// Issue 23: the environment was filtered by a deny list (secret-looking names), so secrets of
// other names still reached the opener; and on Windows `rundll32` was run by bare name, which
// Windows looks up in the current directory first (git runs credential helpers in the worktree).
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openSystemBrowser } from '@oidcflow/core';
import { afterEach, describe, expect, it } from 'vitest';
import { removeDirectories, temporaryDirectory } from '../support/processes.js';

afterEach(removeDirectories);

const HOSTILE_URL =
  'https://idp.example.com/authorize?client_id=cli&x=%OIDCFLOW_CLIENT_SECRET%&y=%AWS_SECRET_ACCESS_KEY%&z="a b"';
const SECRETS = {
  OIDCFLOW_CLIENT_SECRET: 'oidcflow-client-secret-value',
  AWS_SECRET_ACCESS_KEY: 'aws-secret-access-key-value',
  GITHUB_TOKEN: 'github-token-value',
};

/**
 * A directory of stand-ins for every opener a platform may run (cmd.exe, rundll32, wslview,
 * explorer.exe, xdg-open, open): each records its arguments (one per line) and environment.
 */
async function recordingOpeners(failing: string[] = []) {
  const directory = await temporaryDirectory();
  // A SystemRoot of stand-ins: System32/rundll32.exe, what Windows runs by absolute path.
  await mkdir(join(directory, 'System32'));
  const names = ['cmd.exe', 'rundll32', 'rundll32.exe', 'wslview', 'explorer.exe', 'xdg-open', 'open'];
  for (const name of [...names, join('System32', 'rundll32.exe')]) {
    const path = join(directory, name);
    await writeFile(
      path,
      `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a"; done > '${path}.args'\n/usr/bin/env > '${path}.env'\nexit ${failing.includes(name) ? 1 : 0}\n`,
    );
    await chmod(path, 0o755);
  }
  const ran = async (name: string) =>
    stat(join(directory, `${name}.args`)).then(
      () => true,
      () => false,
    );
  const argumentsOf = async (name: string) =>
    (await readFile(join(directory, `${name}.args`), 'utf8')).split('\n').slice(0, -1);
  const environmentOf = (name: string) => readFile(join(directory, `${name}.env`), 'utf8');
  return { directory, ran, argumentsOf, environmentOf };
}

function expectNoSecrets(environment: string): void {
  for (const value of Object.values(SECRETS)) expect(environment).not.toContain(value);
}

describe('a hostile authorization URL and the browser opener', () => {
  it('on Windows never reaches cmd.exe: rundll32 url.dll,FileProtocolHandler gets the URL as one argument, without secrets', async () => {
    const openers = await recordingOpeners();
    const env = { PATH: openers.directory, ...SECRETS, SystemRoot: openers.directory };
    expect(await openSystemBrowser(HOSTILE_URL, env, 'win32')).toBe(true);
    expect(await openers.ran('cmd.exe')).toBe(false);
    const system32 = join('System32', 'rundll32.exe');
    expect(await openers.argumentsOf(system32)).toEqual([
      'url.dll,FileProtocolHandler',
      new URL(HOSTILE_URL).href,
    ]);
    const environment = await openers.environmentOf(system32);
    expect(environment).toContain(`SystemRoot=${openers.directory}`);
    expectNoSecrets(environment);
  });

  // Windows itself cannot run here: the platform is injected, SystemRoot points at stand-ins, and
  // what is checked is which file was spawned. A planted rundll32 on PATH (Windows looks in the
  // current directory before PATH, where git runs helpers: a committed rundll32.com) never runs.
  it('on Windows runs %SystemRoot%\\System32\\rundll32.exe by absolute path, never a rundll32 found by name', async () => {
    const openers = await recordingOpeners();
    const env = { PATH: openers.directory, SystemRoot: openers.directory };
    expect(await openSystemBrowser(HOSTILE_URL, env, 'win32')).toBe(true);
    expect(await openers.ran(join('System32', 'rundll32.exe'))).toBe(true);
    expect(await openers.ran('rundll32')).toBe(false);
    expect(await openers.ran('rundll32.exe')).toBe(false);
  });

  it('on WSL never reaches cmd.exe: wslview, then explorer.exe with the URL as one argument', async () => {
    const openers = await recordingOpeners(['wslview', 'explorer.exe']);
    const env = { PATH: openers.directory, WSL_DISTRO_NAME: 'Debian', ...SECRETS };
    // explorer.exe exits 1 even when it opened the page: starting is what counts.
    expect(await openSystemBrowser(HOSTILE_URL, env, 'linux')).toBe(true);
    expect(await openers.argumentsOf('wslview')).toEqual([new URL(HOSTILE_URL).href]);
    expect(await openers.argumentsOf('explorer.exe')).toEqual([new URL(HOSTILE_URL).href]);
    expect(await openers.ran('cmd.exe')).toBe(false);
    expect(await openers.ran('xdg-open')).toBe(false);
    expectNoSecrets(await openers.environmentOf('wslview'));
    expectNoSecrets(await openers.environmentOf('explorer.exe'));
  });

  it.each(['linux', 'darwin'] as const)(
    'on %s, and through BROWSER, the opener gets no secret',
    async (platform) => {
      const openers = await recordingOpeners();
      const env = { PATH: openers.directory, DISPLAY: ':0', ...SECRETS };
      expect(await openSystemBrowser(HOSTILE_URL, env, platform)).toBe(true);
      const opener = platform === 'darwin' ? 'open' : 'xdg-open';
      expect(await openers.argumentsOf(opener)).toEqual([new URL(HOSTILE_URL).href]);
      const environment = await openers.environmentOf(opener);
      expect(environment).toContain('DISPLAY=:0');
      expectNoSecrets(environment);

      const viaBrowser = await recordingOpeners();
      const browser = join(viaBrowser.directory, 'xdg-open');
      expect(
        await openSystemBrowser(HOSTILE_URL, { ...env, BROWSER: `${browser} --new-tab %s` }, platform),
      ).toBe(true);
      expect(await viaBrowser.argumentsOf('xdg-open')).toEqual(['--new-tab', new URL(HOSTILE_URL).href]);
      expectNoSecrets(await viaBrowser.environmentOf('xdg-open'));
    },
  );
});

/**
 * What a desktop session has, and secrets under names no deny list foresees: a CI job's JWT, a
 * database URL with its password, proxies with credentials, npm's and Docker's auth.
 */
const SESSION = {
  HOME: '/home/user',
  LANG: 'de_DE.UTF-8',
  LC_TIME: 'en_GB.UTF-8',
  DISPLAY: ':0',
  WAYLAND_DISPLAY: 'wayland-0',
  XDG_RUNTIME_DIR: '/run/user/1000',
  DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/1000/bus',
  HTTPS_PROXY: 'http://proxy.example:3128',
  NO_PROXY: 'localhost,127.0.0.1',
};
const UNNAMED_SECRETS = {
  CI_JOB_JWT: 'eyJhbGciOiJSUzI1NiJ9.ci-job-jwt-value.signature',
  DATABASE_URL: 'postgres://app:database-password-value@db.example:5432/app',
  HTTP_PROXY: 'http://proxy-user:proxy-password-value@proxy.example:3128',
  ALL_PROXY: 'socks5://socks-user:socks-password-value@proxy.example:1080',
  NPM_CONFIG__AUTH: 'bnBtLWF1dGgtdmFsdWU=',
  DOCKER_AUTH_CONFIG: '{"auths":{"registry.example":{"auth":"ZG9ja2VyLWF1dGgtdmFsdWU="}}}',
  MY_APP_PASSWORD: 'my-app-password-value',
};

describe('the opener’s environment is an allow list', () => {
  it.each(['linux', 'darwin'] as const)(
    'on %s, and through BROWSER, the opener gets the session (display, locale, runtime dirs, proxy) and none of the secrets',
    async (platform) => {
      const openers = await recordingOpeners();
      const env = { PATH: openers.directory, ...SESSION, ...UNNAMED_SECRETS };
      expect(await openSystemBrowser(HOSTILE_URL, env, platform)).toBe(true);
      const viaBrowser = await recordingOpeners();
      const browser = join(viaBrowser.directory, 'xdg-open');
      expect(await openSystemBrowser(HOSTILE_URL, { ...env, BROWSER: browser }, platform)).toBe(true);
      for (const environment of [
        await openers.environmentOf(platform === 'darwin' ? 'open' : 'xdg-open'),
        await viaBrowser.environmentOf('xdg-open'),
      ]) {
        for (const [name, value] of Object.entries(SESSION))
          expect(environment).toContain(`${name}=${value}\n`);
        for (const [name, value] of Object.entries(UNNAMED_SECRETS)) {
          expect(environment, name).not.toContain(value);
          expect(environment, name).not.toMatch(new RegExp(`^${name}=`, 'm'));
        }
      }
    },
  );
});
