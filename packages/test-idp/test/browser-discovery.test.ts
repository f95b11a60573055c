import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemBrowserCandidates } from '../src/browser/candidates.js';
import { findTestBrowser } from '../src/browser/find-browser.js';

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

  it('finds a browser on PATH when the well-known paths have none (forced to the system source)', async () => {
    // Linux only: the fake browser is found through PATH, after the fixed paths.
    const browser = await findTestBrowser({
      env: { OIDCFLOW_BROWSER: 'system', PATH: directory },
      platform: 'linux',
    });
    expect(browser.found).toBe(true);
    if (browser.found) expect(browser.source).toBe('system');
  });

  it('says how to get a browser when none is there', async () => {
    const browser = await findTestBrowser({ env: { PATH: '' }, platform: 'darwin' });
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
