// The README's option table is what users read; the defaults are what config/settings.ts
// applies. Each literal default in the table must be the value the code applies when the
// option is absent, and the defaults written as words must say what the code does.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveIdentity } from '../src/config/resolve-identity.js';
import { resolveSettings, type Settings } from '../src/config/settings.js';
import { OidcAuth, OidcCredentialsAuth } from '../src/index.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The option table's rows: option name(s) → the default cell. */
function optionTable(): Map<string, string> {
  const start = README.indexOf('| option ');
  expect(start, 'the README has an option table').toBeGreaterThan(-1);
  const rows = new Map<string, string>();
  for (const line of README.slice(start).split('\n').slice(2)) {
    if (!line.startsWith('|')) break;
    const [names = '', value = ''] = line
      .split('|')
      .slice(1, 3)
      .map((cell) => cell.trim());
    for (const name of names.matchAll(/`(\w+)`/g)) rows.set(name[1] as string, value);
  }
  return rows;
}

/** What the code applies for an absent option of OidcAuth. */
const applied: Record<string, (settings: Settings) => unknown> = {
  useServerAudience: (s) => s.useServerAudience,
  flow: (s) => s.requestedFlow,
  forceLogin: (s) => s.login.forceLogin,
  openBrowser: (s) => s.login.openBrowser,
  callbackHost: (s) => s.login.callbackHost,
  callbackPort: (s) => s.login.callbackPort,
  callbackTimeoutSeconds: (s) => s.login.callbackTimeoutSeconds,
  pkce: (s) => s.login.pkce,
};

/** `'auto'`, `false`, `8765` → the value; anything else (words, several values) → undefined. */
function literal(cell: string): { value: unknown } | undefined {
  const match = /^`([^`]+)`$/.exec(cell);
  if (!match) return undefined;
  const text = (match[1] as string).replace(/^'(.*)'$/, '"$1"');
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

describe("the README's option table", () => {
  const rows = optionTable();
  const settings = resolveSettings({ env: {} }, 'user');

  it('gives, for each option with a literal default, the value the code applies', () => {
    const checked: string[] = [];
    for (const [name, cell] of rows) {
      const parsed = literal(cell);
      if (!parsed) continue;
      const auth = new OidcAuth({ env: {} }) as unknown as Record<string, unknown>;
      // The attribute the class shows, and what the lifecycle uses, where the code has one.
      expect(auth[name], `OidcAuth.${name}`).toEqual(parsed.value);
      const read = applied[name];
      if (read) expect(read(settings), `settings of ${name}`).toEqual(parsed.value);
      checked.push(name);
    }
    expect(checked).toEqual(expect.arrayContaining(['issuer', 'clientId', ...Object.keys(applied)]));
  });

  it('gives the redirect URI from callbackHost and callbackPort', () => {
    expect(rows.get('redirectUri')).toBe('`http://{callbackHost}:{callbackPort}/callback`');
    expect(settings.login.redirectUri).toBeUndefined();
  });

  it("gives the scopes sent without a scopes option: ['openid'] for OidcAuth, none for OidcCredentialsAuth", async () => {
    expect(rows.get('scopes')).toBe(
      "server's, else `['openid']`; `OidcCredentialsAuth`: server's, else none",
    );
    const noServer = async () => {
      throw new Error('no request expected');
    };
    const identity = (family: 'user' | 'client') =>
      resolveIdentity(
        resolveSettings({ issuer: 'https://idp.example.com', clientId: 'cli', env: {} }, family),
        noServer,
      );
    expect((await identity('user')).scopes).toEqual(['openid']);
    expect((await identity('client')).scopes).toEqual([]);
    expect(new OidcCredentialsAuth({ env: {} }).scopes).toBeUndefined();
  });
});
