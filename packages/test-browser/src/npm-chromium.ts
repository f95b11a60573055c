import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress } from 'node:zlib';

/** The npm package that ships a Chromium build (brotli-compressed) with the libraries it needs. */
export const NPM_CHROMIUM_PACKAGE = '@sparticuz/chromium';

export interface NpmChromiumPackage {
  version: string;
  /** The package's `bin` folder: chromium.br, al2023.tar.br (NSS, NSPR, expat), fonts.tar.br. */
  binDirectory: string;
}

export interface ExtractedNpmChromium {
  executablePath: string;
  /** What the launched browser needs in its environment: its own NSS libraries and fonts. */
  env: { LD_LIBRARY_PATH: string; FONTCONFIG_FILE: string };
}

/** The installed package, or undefined when it is not installed (or not resolvable from here). */
export function npmChromiumPackage(): NpmChromiumPackage | undefined {
  try {
    const entry = createRequire(import.meta.url).resolve(NPM_CHROMIUM_PACKAGE);
    const root = join(dirname(entry), '..');
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    const binDirectory = join(root, 'bin');
    if (!existsSync(join(binDirectory, 'chromium.br'))) return undefined;
    return { version, binDirectory };
  } catch {
    return undefined;
  }
}

/** The package ships an x86-64 Linux build only. */
export function npmChromiumRunsHere(
  platform: NodeJS.Platform = process.platform,
  arch = process.arch,
): boolean {
  return platform === 'linux' && arch === 'x64';
}

/** `OIDCFLOW_BROWSER_CACHE`, else `$XDG_CACHE_HOME/oidcflow/npm-chromium`, else `~/.cache/oidcflow/npm-chromium`. */
export function npmChromiumCacheDirectory(env: NodeJS.ProcessEnv = process.env): string {
  if (env.OIDCFLOW_BROWSER_CACHE) return env.OIDCFLOW_BROWSER_CACHE;
  const cacheHome = env.XDG_CACHE_HOME ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(cacheHome, 'oidcflow', 'npm-chromium');
}

function layout(directory: string): ExtractedNpmChromium {
  return {
    executablePath: join(directory, 'chromium'),
    env: {
      LD_LIBRARY_PATH: join(directory, 'al2023', 'lib'),
      FONTCONFIG_FILE: join(directory, 'fonts.conf'),
    },
  };
}

async function untarBrotli(archive: string, into: string): Promise<void> {
  await mkdir(into, { recursive: true });
  const tar = spawn('tar', ['-x', '-C', into], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  tar.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve, reject) => {
    tar.once('error', reject);
    tar.once('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`tar exited with ${code}: ${stderr.trim()}`)),
    );
  });
  await Promise.all([pipeline(createReadStream(archive), createBrotliDecompress(), tar.stdin), exited]);
}

function fontsConf(directory: string): string {
  // The package's own fonts.conf points at /tmp/fonts; this one points at the extracted fonts.
  return [
    '<?xml version="1.0"?>',
    '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
    '<fontconfig>',
    `  <dir>${join(directory, 'fonts')}</dir>`,
    `  <cachedir>${join(directory, 'fonts-cache')}</cachedir>`,
    '</fontconfig>',
    '',
  ].join('\n');
}

/**
 * Unpacks the package's Chromium (≈210 MB) into the cache once per version, and returns where
 * it is. Not the package's own `executablePath()`: that writes to a shared /tmp/chromium and
 * checks only that the file exists, so two processes unpacking at once could launch a half-written
 * binary. Here each process unpacks into its own staging folder and renames it into place
 * (atomic); the loser of a race removes its copy.
 */
export async function extractNpmChromium(
  pkg: NpmChromiumPackage,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ExtractedNpmChromium> {
  const cache = npmChromiumCacheDirectory(env);
  const directory = join(cache, `${pkg.version}-${process.arch}`);
  if (existsSync(join(directory, 'chromium'))) return layout(directory);
  await mkdir(cache, { recursive: true });
  const staging = await mkdtemp(join(cache, `.partial-${pkg.version}-`));
  try {
    await pipeline(
      createReadStream(join(pkg.binDirectory, 'chromium.br')),
      createBrotliDecompress(),
      createWriteStream(join(staging, 'chromium'), { mode: 0o755 }),
    );
    // al2023.tar.br holds lib/ (NSS, NSPR, expat); fonts.tar.br holds fonts/ (Open Sans).
    await untarBrotli(join(pkg.binDirectory, 'al2023.tar.br'), join(staging, 'al2023'));
    await untarBrotli(join(pkg.binDirectory, 'fonts.tar.br'), staging);
    await writeFile(join(staging, 'fonts.conf'), fontsConf(directory));
    await rename(staging, directory);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    // Another process renamed its copy into place first: use that one.
    if (existsSync(join(directory, 'chromium'))) return layout(directory);
    throw error;
  }
  return layout(directory);
}
