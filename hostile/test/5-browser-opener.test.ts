// Issue 12, item 5: the browser opener. Under cmd.exe, %NAME% expands even inside quotes, so
// an authorization URL from a hostile discovery document could carry any environment
// variable's value to the IdP; and every opener inherited oidcflow's secrets.
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
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
  for (const name of ['cmd.exe', 'rundll32', 'wslview', 'explorer.exe', 'xdg-open', 'open']) {
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
    const env = { PATH: openers.directory, ...SECRETS, SystemRoot: 'C:\\Windows' };
    expect(await openSystemBrowser(HOSTILE_URL, env, 'win32')).toBe(true);
    expect(await openers.ran('cmd.exe')).toBe(false);
    expect(await openers.argumentsOf('rundll32')).toEqual([
      'url.dll,FileProtocolHandler',
      new URL(HOSTILE_URL).href,
    ]);
    const environment = await openers.environmentOf('rundll32');
    expect(environment).toContain('SystemRoot=C:\\Windows');
    expectNoSecrets(environment);
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
