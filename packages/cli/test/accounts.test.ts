// Two users logged in with the same settings through the built `oidcflow`: list, switch, what
// `token` and git get follow the switch, log one out and the other stays. The test plays the
// user at the IdP's page (alice or bob) from the URL oidcflow prints.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  BrowserlessCookies,
  completeAuthorizationWithoutBrowser,
  startTestIdp,
  type TestIdp,
  type TestUser,
} from '@oidcflow/test-idp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assertBuilt, BIN, CliSandbox } from './support/cli-process.js';

let idp: TestIdp;
let sandbox: CliSandbox;

beforeAll(async () => {
  assertBuilt();
  idp = await startTestIdp();
});
afterAll(async () => {
  await idp.stop();
});
beforeEach(async () => {
  sandbox = await CliSandbox.create();
});
afterEach(async () => {
  await sandbox.dispose();
});

const settings = () => [
  '--issuer',
  idp.issuer,
  '--client-id',
  idp.clients.native.clientId,
  '--scope',
  'openid profile email',
  '--cache-path',
  sandbox.cachePath,
];
const AUTHORIZATION_URL = /^\s+(http:\/\/127\.0\.0\.1:\d+\/auth\?\S+)$/m;

/** `oidcflow login` with the URL printed; `user` signs in at the page. Returns the URL's login_hint. */
async function login(
  user: TestUser,
  extra: string[] = [],
  browser?: BrowserlessCookies,
): Promise<{ hint: string | null; stderr: string; code: number | null }> {
  const cli = sandbox.start([
    'login',
    ...settings(),
    '--flow',
    'auth_code',
    '--no-browser',
    '--callback-port',
    '0',
    ...extra,
  ]);
  const [, url] = await cli.waitForStderr(AUTHORIZATION_URL);
  const page = await fetch(
    await completeAuthorizationWithoutBrowser(url!, user, browser ? { cookies: browser } : {}),
  );
  await page.text();
  const result = await cli.done;
  return { hint: new URL(url!).searchParams.get('login_hint'), stderr: result.stderr, code: result.code };
}

/** The `sub` of the ID token `oidcflow token --token-type id` prints (the cache answers: no login may run). */
async function idTokenSub(extra: string[] = []): Promise<string> {
  const result = await sandbox.run([
    'token',
    ...settings(),
    '--token-type',
    'id',
    '--no-browser',
    '--callback-timeout-seconds',
    '1',
    ...extra,
  ]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(Buffer.from(result.stdout.trim().split('.')[1]!, 'base64url').toString()).sub;
}

/** What git gets: `oidcflow git-credential get` with git's request on stdin; the password's `sub`. */
async function gitPasswordSub(): Promise<string> {
  const child = spawn(
    process.execPath,
    [
      BIN,
      'git-credential',
      ...settings(),
      '--host',
      'git.example.test',
      '--token-type',
      'id',
      '--no-browser',
      'get',
    ],
    {
      env: sandbox.environment(),
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  child.stdin.end('protocol=https\nhost=git.example.test\n\n');
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  const [code] = (await once(child, 'close')) as [number];
  expect(code).toBe(0);
  const password = /^password=(.+)$/m.exec(stdout)?.[1] ?? '';
  return JSON.parse(Buffer.from(password.split('.')[1]!, 'base64url').toString()).sub;
}

describe('oidcflow accounts', () => {
  it('two users: list, switch, token and git follow the switch, log one out and the other stays', async () => {
    expect((await login(idp.users.alice)).code).toBe(0);
    const bob = await login(idp.users.bob, ['--account', 'bob']);
    expect(bob.hint).toBe('bob');
    expect(bob.stderr).toMatch(/Logged in as bob/);

    const listed = await sandbox.run(['accounts', ...settings()]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^\* bob <bob@example\.test> {2}sub bob {2}valid/m);
    expect(listed.stdout).toMatch(/^ {2}alice <alice@example\.test> {2}sub alice {2}valid/m);
    expect(await idTokenSub()).toBe('bob');
    expect(await gitPasswordSub()).toBe('bob');
    expect(await idTokenSub(['--account', 'alice@example.test'])).toBe('alice');

    const switched = await sandbox.run(['accounts', 'use', 'alice', ...settings()]);
    expect(switched.stderr).toMatch(/Switched: alice is the current account/);
    expect(await idTokenSub()).toBe('alice');
    expect(await gitPasswordSub()).toBe('alice');

    const whoami = await sandbox.run(['whoami', ...settings()]);
    expect(whoami.code).toBe(0);
    expect(whoami.stdout).toMatch(/^alice \(current account\) at http:\/\/127\.0\.0\.1:\d+, client /);
    expect(whoami.stdout).toMatch(/^ {2}sub: alice$/m);
    expect(whoami.stdout).toMatch(/^ {2}email: alice@example\.test$/m);
    expect(whoami.stdout).toMatch(/^ {2}exp: \d+ \(\d{4}-/m);
    // Claims, never the token: no JWT (three base64url parts) on stdout.
    expect(whoami.stdout).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
    const bobWho = JSON.parse(
      (await sandbox.run(['whoami', ...settings(), '--account', 'bob', '-o', 'json'])).stdout,
    );
    expect(bobWho).toMatchObject({
      account: { sub: 'bob' },
      current: false,
      claims: { preferred_username: 'bob' },
    });

    const json = JSON.parse((await sandbox.run(['accounts', ...settings(), '--output', 'json'])).stdout);
    expect(json.accounts.map((a: { sub: string; current: boolean }) => [a.sub, a.current])).toEqual([
      ['alice', true],
      ['bob', false],
    ]);

    const out = await sandbox.run(['logout', ...settings(), '--account', 'alice']);
    expect(out.code).toBe(0);
    expect(out.stderr).toMatch(
      /Logged out: removed the cached tokens of alice and revoked them at the IdP\.\nbob is now the current account\./,
    );
    expect(await idTokenSub()).toBe('bob');
    expect(await gitPasswordSub()).toBe('bob');
    expect((await sandbox.run(['accounts', ...settings()])).stdout).not.toMatch(/alice/);
  });

  it("two users in one browser: a notice before bob's sign-in; accounts use alice then fails with exit 3 and how to log her in, and git keeps getting bob", async () => {
    const browser = new BrowserlessCookies();
    expect((await login(idp.users.alice, [], browser)).code).toBe(0);
    const bob = await login(idp.users.bob, ['--account', 'bob'], browser);
    expect(bob.code).toBe(0);
    const notice = bob.stderr.indexOf(
      'oidcflow: warning: Signing in as "bob" in the browser where alice signed in at the IdP can end alice\'s session there',
    );
    expect(notice, bob.stderr).toBeGreaterThanOrEqual(0);
    // Printed before the URL, with the advice for a login that prints it (--no-browser).
    expect(notice).toBeLessThan(bob.stderr.indexOf('Open this URL to log in'));
    expect(bob.stderr).toMatch(/To keep both, open the URL below in a private browser window\./);
    expect((await sandbox.run(['accounts', ...settings()])).stdout).toMatch(
      /^ {2}alice <alice@example\.test> {2}sub alice {2}valid, expires .*; bob signed in after it, which may have ended its IdP session: checked with a refresh before use$/m,
    );

    const use = await sandbox.run(['accounts', 'use', 'alice', ...settings()]);
    expect(use.code).toBe(3);
    expect(use.stderr).toMatch(
      /^oidcflow: The IdP session of account alice has ended: the IdP refused its refresh token, most likely because bob signed in in the same browser \(after bob signed in with the same settings at \d{4}-.*\)\. Its tokens were removed, not handed out\. Log alice in again: oidcflow login --account alice .* \(NOT_LOGGED_IN\)$/m,
    );
    expect(await gitPasswordSub()).toBe('bob');
    expect((await sandbox.run(['accounts', ...settings()])).stdout).toMatch(
      /^ {2}alice <alice@example\.test> {2}sub alice {2}a login is needed$/m,
    );
    // Logged in again from a browser of her own: current, and bob's session is still there.
    expect((await login(idp.users.alice, ['--account', 'alice'], new BrowserlessCookies())).code).toBe(0);
    expect(await gitPasswordSub()).toBe('alice');
    expect((await sandbox.run(['accounts', 'use', 'bob', ...settings()])).code).toBe(0);
    expect(await gitPasswordSub()).toBe('bob');
  });

  it('an unknown account lists the known ones; a login as another user than asked is refused', async () => {
    await login(idp.users.alice);
    const unknown = await sandbox.run(['accounts', 'use', 'carol', ...settings()]);
    expect(unknown.code).toBe(7);
    expect(unknown.stderr).toMatch(
      /No account "carol" is logged in with these settings\. Known accounts: alice\./,
    );
    const wrong = await login(idp.users.alice, ['--account', 'bob']);
    expect(wrong.code).toBe(4);
    expect(wrong.stderr).toMatch(/ACCOUNT_MISMATCH/);
    expect(wrong.stderr).toMatch(/Account "bob" was asked for, and the IdP logged in alice/);
    expect((await sandbox.run(['accounts', ...settings()])).stdout).not.toMatch(/bob/);
  });
});
