import { access, constants } from 'node:fs/promises';
import { systemBrowserCandidates } from './candidates.js';
import {
  extractNpmChromium,
  NPM_CHROMIUM_PACKAGE,
  npmChromiumPackage,
  npmChromiumRunsHere,
} from './npm-chromium.js';

/** Where the browser came from: `OIDCFLOW_CHROMIUM`, the system, or the npm package. */
export type BrowserSource = 'path' | 'system' | 'npm';

/** What `chromium.launch()` of playwright-core takes. Playwright is not a dependency of this package. */
export interface BrowserLaunchOptions {
  executablePath: string;
  args: string[];
  /** The browser's whole environment; set when it needs more than the caller's (the npm build). */
  env?: Record<string, string>;
}

/** The browser found, with how to launch it, or why none was found and how to get one. */
export type TestBrowser =
  | { found: true; source: BrowserSource; description: string; launchOptions: BrowserLaunchOptions }
  | { found: false; reason: string };

/** Where `findTestBrowser` reads its settings from and which platform it looks on. */
export interface FindBrowserOptions {
  /** Reads OIDCFLOW_BROWSER, OIDCFLOW_CHROMIUM, PATH, …; the npm browser's environment starts from it. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** @default process.platform */
  platform?: NodeJS.Platform;
}

/** Headless, and nothing that talks to the network by itself (a closed network makes that fail many times over). */
export const TEST_BROWSER_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const SOURCES = ['path', 'system', 'npm'] as const;

const HOW_TO_GET_ONE =
  'install Chrome, Chromium or Edge (Debian/Ubuntu: apt-get install chromium), run pnpm install on Linux x86-64 ' +
  `(it brings the npm browser ${NPM_CHROMIUM_PACKAGE}), or set OIDCFLOW_CHROMIUM=/path/to/chrome`;

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function found(source: BrowserSource, description: string, launchOptions: BrowserLaunchOptions): TestBrowser {
  return { found: true, source, description, launchOptions };
}

async function fromPath(env: NodeJS.ProcessEnv): Promise<TestBrowser> {
  const path = env.OIDCFLOW_CHROMIUM;
  if (!path) return { found: false, reason: 'OIDCFLOW_BROWSER=path, but OIDCFLOW_CHROMIUM is not set' };
  if (!(await isExecutable(path)))
    return { found: false, reason: `OIDCFLOW_CHROMIUM=${path} is not an executable file` };
  return found('path', `browser at OIDCFLOW_CHROMIUM=${path}`, {
    executablePath: path,
    args: [...TEST_BROWSER_ARGS],
  });
}

async function fromSystem(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): Promise<TestBrowser> {
  const candidates = systemBrowserCandidates({ platform, env });
  for (const candidate of candidates) {
    if (await isExecutable(candidate))
      return found('system', `system browser at ${candidate}`, {
        executablePath: candidate,
        args: [...TEST_BROWSER_ARGS],
      });
  }
  return {
    found: false,
    reason:
      candidates.length > 0
        ? `no Chrome, Chromium or Edge at the usual places (${candidates.slice(0, 3).join(', ')}, …)`
        : `no Chrome, Chromium or Edge (no usual places are known on ${platform})`,
  };
}

async function fromNpm(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): Promise<TestBrowser> {
  if (!npmChromiumRunsHere(platform))
    return {
      found: false,
      reason: `the npm browser ${NPM_CHROMIUM_PACKAGE} runs on Linux x86-64 only (this is ${platform}-${process.arch})`,
    };
  const pkg = npmChromiumPackage();
  if (!pkg) return { found: false, reason: `the npm package ${NPM_CHROMIUM_PACKAGE} is not installed` };
  let extracted: Awaited<ReturnType<typeof extractNpmChromium>>;
  try {
    extracted = await extractNpmChromium(pkg, env);
  } catch (error) {
    return {
      found: false,
      reason: `${NPM_CHROMIUM_PACKAGE} ${pkg.version} could not be unpacked: ${(error as Error).message}`,
    };
  }
  const inherited = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
  const libraryPath = [extracted.env.LD_LIBRARY_PATH, env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  return found('npm', `npm package ${NPM_CHROMIUM_PACKAGE} ${pkg.version} at ${extracted.executablePath}`, {
    executablePath: extracted.executablePath,
    args: [...TEST_BROWSER_ARGS],
    // Only the browser gets the bundled NSS: the test process keeps its own libraries.
    env: { ...inherited, ...extracted.env, LD_LIBRARY_PATH: libraryPath },
  });
}

/**
 * Finds the browser tests drive with Playwright. `OIDCFLOW_BROWSER=path|system|npm` forces a
 * source; otherwise: `OIDCFLOW_CHROMIUM` when set, then a Chrome/Chromium/Edge the system has,
 * then (Linux x86-64) the Chromium of the npm package @sparticuz/chromium, unpacked once into
 * ~/.cache/oidcflow/npm-chromium. When none is there, `reason` says what was tried and how to get one.
 */
export async function findTestBrowser(options: FindBrowserOptions = {}): Promise<TestBrowser> {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const forced = env.OIDCFLOW_BROWSER;
  if (forced && forced !== 'auto') {
    if (!(SOURCES as readonly string[]).includes(forced))
      return { found: false, reason: `OIDCFLOW_BROWSER=${forced}: use path, system, npm or auto` };
    const source = forced as BrowserSource;
    const result =
      source === 'path'
        ? await fromPath(env)
        : source === 'system'
          ? await fromSystem(env, platform)
          : await fromNpm(env, platform);
    return result.found ? result : { found: false, reason: `${result.reason} (OIDCFLOW_BROWSER=${forced})` };
  }
  if (env.OIDCFLOW_CHROMIUM) return fromPath(env);
  const system = await fromSystem(env, platform);
  if (system.found) return system;
  const npm = await fromNpm(env, platform);
  if (npm.found) return npm;
  return { found: false, reason: `${system.reason}; ${npm.reason}: ${HOW_TO_GET_ONE}` };
}

/**
 * The options for `chromium.launch()` of the browser `findTestBrowser` finds; throws, with how
 * to get one, when there is none (for tests that cannot run without a browser).
 */
export async function testBrowserLaunchOptions(
  options: FindBrowserOptions = {},
): Promise<BrowserLaunchOptions> {
  const browser = await findTestBrowser(options);
  if (!browser.found) throw new Error(`no browser for the tests: ${browser.reason}`);
  return browser.launchOptions;
}
