import { access, chmod, constants, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemBrowserCandidates } from '../src/candidates.js';
import { findTestBrowser } from '../src/find-browser.js';

describe('system browser candidates', () => {
  it('on Linux: the distributions’ and vendors’ paths first, then Chrome/Chromium/Edge on PATH', () => {
    const paths = systemBrowserCandidates({ platform: 'linux', env: { PATH: '/opt/tools/bin:/usr/bin' } });
    expect(paths.slice(0, 3)).toEqual([
      '/usr/bin/chromium',
      '/usr/bin/chromium-browser',
      '/usr/bin/google-chrome-stable',
    ]);
    expect(paths).toContain('/usr/bin/microsoft-edge-stable');
    expect(paths).toContain('/snap/bin/chromium');
    expect(paths).toContain('/opt/google/chrome/chrome');
    expect(paths).toContain('/opt/microsoft/msedge/msedge');
    expect(paths).toContain('/opt/tools/bin/chromium');
    expect(paths).toContain('/opt/tools/bin/google-chrome');
    // Listed once although /usr/bin is on PATH too.
    expect(paths.filter((path) => path === '/usr/bin/chromium')).toHaveLength(1);
  });

  it('on macOS: Chrome, Chromium and Edge in /Applications and ~/Applications', () => {
    const paths = systemBrowserCandidates({ platform: 'darwin', env: {}, home: '/Users/ada' });
    expect(paths[0]).toBe('/Applications/Google Chrome.app/Contents/MacOS/Google Chrome');
    expect(paths).toContain('/Applications/Chromium.app/Contents/MacOS/Chromium');
    expect(paths).toContain('/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge');
    expect(paths).toContain('/Users/ada/Applications/Google Chrome.app/Contents/MacOS/Google Chrome');
  });

  it('on Windows: Chrome, Edge and Chromium under Program Files (both) and LocalAppData', () => {
    const paths = systemBrowserCandidates({
      platform: 'win32',
      env: {
        PROGRAMFILES: 'C:\\Program Files',
        'PROGRAMFILES(X86)': 'C:\\Program Files (x86)',
        LOCALAPPDATA: 'C:\\Users\\ada\\AppData\\Local',
      },
    });
    expect(paths).toContain('C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe');
    expect(paths).toContain('C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe');
    expect(paths).toContain('C:\\Users\\ada\\AppData\\Local\\Google\\Chrome\\Application\\chrome.exe');
    expect(paths).toContain('C:\\Users\\ada\\AppData\\Local\\Chromium\\Application\\chrome.exe');
    expect(paths.every((path) => path.endsWith('.exe'))).toBe(true);
  });

  it('nowhere else', () => {
    expect(systemBrowserCandidates({ platform: 'aix', env: {} })).toEqual([]);
  });
});

describe('findTestBrowser', () => {
  let directory: string;
  let fakeBrowser: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'oidcflow-browser-'));
    fakeBrowser = join(directory, 'chromium');
    await writeFile(fakeBrowser, '#!/bin/sh\n');
    await chmod(fakeBrowser, 0o755);
  });
  afterAll(() => rm(directory, { recursive: true, force: true }));

  it('takes OIDCFLOW_CHROMIUM first', async () => {
    const browser = await findTestBrowser({ env: { OIDCFLOW_CHROMIUM: fakeBrowser, PATH: '' } });
    expect(browser).toMatchObject({
      found: true,
      source: 'path',
      launchOptions: { executablePath: fakeBrowser },
    });
  });

  it('takes the first executable candidate, down to one found only on PATH (forced to the system source)', async () => {
    const env = { OIDCFLOW_BROWSER: 'system', PATH: directory };
    const candidates = systemBrowserCandidates({ platform: 'linux', env });
    let expected: string | undefined;
    for (const candidate of candidates) {
      if (
        await access(candidate, constants.X_OK).then(
          () => true,
          () => false,
        )
      ) {
        expected = candidate;
        break;
      }
    }
    // This machine's own browser at a well-known path wins; without one, the fake on PATH does.
    expect(expected).toBeDefined();
    const browser = await findTestBrowser({ env, platform: 'linux' });
    expect(browser).toMatchObject({
      found: true,
      source: 'system',
      launchOptions: { executablePath: expected },
    });
  });

  it('says how to get a browser when none is there', async () => {
    // A platform with no known places and no npm build: nothing can be found, whatever this machine has.
    const browser = await findTestBrowser({ env: { PATH: '' }, platform: 'aix' });
    expect(browser.found).toBe(false);
    if (!browser.found) {
      expect(browser.reason).toContain('no Chrome, Chromium or Edge');
      expect(browser.reason).toContain('runs on Linux x86-64 only');
      expect(browser.reason).toContain('OIDCFLOW_CHROMIUM=');
      expect(browser.reason).toContain('apt-get install chromium');
    }
  });

  it('refuses a missing OIDCFLOW_CHROMIUM and an unknown OIDCFLOW_BROWSER instead of picking another', async () => {
    const missing = await findTestBrowser({ env: { OIDCFLOW_CHROMIUM: join(directory, 'nothing') } });
    expect(missing).toMatchObject({ found: false, reason: expect.stringContaining('is not an executable') });
    const unknown = await findTestBrowser({ env: { OIDCFLOW_BROWSER: 'firefox' } });
    expect(unknown).toMatchObject({ found: false, reason: expect.stringContaining('use path, system, npm') });
  });
});
