// The `env` option is the environment of the instance, for everything core reads from one:
// `~` in cachePath and the cache's default folder come from its HOME / XDG_CACHE_HOME, not
// from the process's.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OidcAuth, silentLogger } from '../src/index.js';

const home = mkdtempSync(join(tmpdir(), 'oidcflow-env-home-'));
const base = {
  issuer: 'https://idp.example.test',
  clientId: 'cli',
  cache: 'file',
  logger: silentLogger,
} as const;

describe('the env option', () => {
  it("expands ~ in cachePath with the env's HOME", async () => {
    const auth = new OidcAuth({ ...base, cachePath: '~/tokens', env: { HOME: home } });
    expect(await auth.resolvedCachePath()).toMatch(new RegExp(`^${join(home, 'tokens')}/`));
  });

  it("puts the default cache folder under the env's XDG_CACHE_HOME, else its HOME", async () => {
    if (process.platform !== 'linux') return;
    const xdg = join(home, 'xdg');
    const withXdg = new OidcAuth({ ...base, env: { HOME: home, XDG_CACHE_HOME: xdg } });
    expect(await withXdg.resolvedCachePath()).toMatch(new RegExp(`^${join(xdg, 'oidcflow')}/`));
    const withHome = new OidcAuth({ ...base, env: { HOME: home } });
    expect(await withHome.resolvedCachePath()).toMatch(new RegExp(`^${join(home, '.cache', 'oidcflow')}/`));
  });
});
