import { homedir } from 'node:os';
import { posix, win32 } from 'node:path';

/** Where Chrome, Chromium and Edge install themselves, per platform. */
export interface CandidateInput {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  /** @default os.homedir() */
  home?: string;
}

const LINUX_NAMES = [
  'chromium',
  'chromium-browser',
  'google-chrome-stable',
  'google-chrome',
  'microsoft-edge-stable',
  'microsoft-edge',
];

// Fixed paths first (what distributions and vendors' packages install), then PATH.
const LINUX_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome-stable',
  '/usr/bin/google-chrome',
  '/usr/bin/microsoft-edge-stable',
  '/usr/bin/microsoft-edge',
  '/snap/bin/chromium',
  '/opt/google/chrome/chrome',
  '/opt/microsoft/msedge/msedge',
];

const MAC_APPS = [
  'Google Chrome.app/Contents/MacOS/Google Chrome',
  'Chromium.app/Contents/MacOS/Chromium',
  'Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
  'Google Chrome Canary.app/Contents/MacOS/Google Chrome Canary',
];

function unique(paths: string[]): string[] {
  return [...new Set(paths)];
}

function linuxCandidates(env: NodeJS.ProcessEnv): string[] {
  const fromPath = (env.PATH ?? '')
    .split(posix.delimiter)
    .filter((dir) => dir.startsWith('/'))
    .flatMap((dir) => LINUX_NAMES.map((name) => posix.join(dir, name)));
  return unique([...LINUX_PATHS, ...fromPath]);
}

function macCandidates(home: string): string[] {
  return [
    ...MAC_APPS.map((app) => posix.join('/Applications', app)),
    ...MAC_APPS.map((app) => posix.join(home, 'Applications', app)),
  ];
}

function windowsCandidates(env: NodeJS.ProcessEnv): string[] {
  const roots = [env.PROGRAMFILES, env['PROGRAMFILES(X86)'], env.LOCALAPPDATA].filter(
    (root): root is string => Boolean(root),
  );
  const apps = [
    'Google\\Chrome\\Application\\chrome.exe',
    'Microsoft\\Edge\\Application\\msedge.exe',
    'Chromium\\Application\\chrome.exe',
  ];
  return unique(apps.flatMap((app) => roots.map((root) => win32.join(root, app))));
}

/**
 * The paths where a system Chrome, Chromium or Edge may be, most likely first. Only paths:
 * whether one exists is checked by the caller.
 */
export function systemBrowserCandidates(input: CandidateInput): string[] {
  switch (input.platform) {
    case 'linux':
    case 'freebsd':
    case 'openbsd':
      return linuxCandidates(input.env);
    case 'darwin':
      return macCandidates(input.home ?? homedir());
    case 'win32':
      return windowsCandidates(input.env);
    default:
      return [];
  }
}
