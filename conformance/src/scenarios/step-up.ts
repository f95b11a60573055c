import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, type OidcAuthOptions } from '@oidcflow/core';
import type { ResourceRequest } from '@oidcflow/test-idp';
import type { CellHarness } from '../matrix/cell-harness.js';
import { type ApiServer, startApiServer } from '../support/api-server.js';
import type { BrowserLoginDriver } from '../support/browser-login.js';
import { oidcflowCommand } from '../support/executables.js';
import { outputTail, runTool } from '../support/run-tool.js';
import { startUrlRelay } from '../support/url-relay.js';
import type { StepUpSupport, TestUser } from '../targets/target.js';
import { cellSettingsArgs, commandEnvironment, firstPartyFlowsOnly } from './consumer-tool.js';
import { check, expectErrorCode, type Scenario } from './scenario.js';

/** An `acr` no realm maps to a level: what an IdP does with a value it does not know. */
const UNKNOWN_ACR = 'oidcflow-unknown-level';

/**
 * Login levels at a real IdP (OIDC `acr_values`, RFC 9470 step-up), through the library (1-3)
 * and the command (4), each login in a browser of its own:
 * 1. `acrValues: [stronger]` — the browser passes the password and then the second factor, and
 *    the ID token's `acr` is the stronger level;
 * 2. `acrValues: [a value the IdP does not know]` — the IdP logs in at its default level, and
 *    oidcflow refuses the login (`LOGIN_REQUIREMENT_UNMET`), keeping nothing;
 * 3. `auth.fetch` to an API that takes only the stronger `acr` (it answers `401
 *    insufficient_user_authentication, acr_values=…`): exactly one new login with those
 *    `acr_values` (the second factor only: the IdP's session has the password), exactly one
 *    retry, 200; the next call, and a new instance (`stepUp: 'error'`), use the kept stepped-up
 *    token without a login. The auth objects have no terminal, so this is `stepUp: 'login'`;
 * 4. the same through the command: `oidcflow login`, `oidcflow fetch --step-up login` (one login
 *    for the code, one retry), `oidcflow fetch` (the kept token), and `oidcflow login
 *    --acr-values <stronger>`, whose `acr` `oidcflow whoami` shows.
 */
export const stepUp: Scenario = {
  name: 'step-up',
  summary:
    "acr_values honoured (a second factor gives the stronger acr; an unknown one is LOGIN_REQUIREMENT_UNMET); auth.fetch meets an API's RFC 9470 challenge with one login at that acr and one retry",
  flowKinds: ['browser'],
  notApplicable: (target, subject) =>
    firstPartyFlowsOnly(target, subject) ??
    (target.stepUp
      ? undefined
      : `${target.name} has no client with login levels (acr values mapped to a second factor), so there is nothing to step up to`),
  async run(cell) {
    const support = cell.target.stepUp as StepUpSupport;
    const { defaultAcr, strongerAcr } = support;

    // 1. The stronger level asked for at login: the password, then the one-time code.
    const strong = await driver(cell, support);
    const gold = cell.auth(stepUpOptions(support, strong.driver, { acrValues: [strongerAcr] }));
    const goldTokens = await gold.getTokens();
    await strong.driver.settled();
    check(
      goldTokens.idTokenClaims?.acr === strongerAcr,
      `acr_values=${strongerAcr} gave an ID token with acr ${String(goldTokens.idTokenClaims?.acr)}`,
    );
    check(
      strong.asked.password === 1 && strong.asked.code === 1,
      `acr_values=${strongerAcr} asked for the password ${strong.asked.password} and the code ${strong.asked.code} time(s), expected 1 and 1`,
    );
    await gold.logout();

    // 2. A level the IdP does not know: it logs in at its default level, and oidcflow refuses that.
    const unknown = await driver(cell, support);
    const refused = cell.auth(stepUpOptions(support, unknown.driver, { acrValues: [UNKNOWN_ACR] }));
    const error = await expectErrorCode(() => refused.getTokens(), ErrorCode.LOGIN_REQUIREMENT_UNMET);
    await unknown.driver.settled();
    check(
      error.message.includes(`acr_values "${UNKNOWN_ACR}" was asked, and the ID token shows "${defaultAcr}"`),
      `the LOGIN_REQUIREMENT_UNMET message does not say what was asked and what came: ${error.message}`,
    );
    check((await refused.getCachedTokens()) === undefined, 'the refused login was cached');

    // 3. An API that takes only the stronger level: one login at it, one retry.
    const api = await startApiServer({
      issuer: cell.target.issuer,
      audience: support.audience,
      caCertPath: cell.target.caCertPath,
      requiredAcr: [strongerAcr],
    });
    try {
      const { driver: browser, asked } = await driver(cell, support);
      const fetchOptions = { allowedOrigins: [api.origin], stepUp: 'login' as const };
      const auth = cell.auth(stepUpOptions(support, browser, fetchOptions));
      const ordinary = await auth.getTokens();
      await browser.settled();
      check(
        ordinary.idTokenClaims?.acr === defaultAcr,
        `a login that asks for no level gave acr ${String(ordinary.idTokenClaims?.acr)}, expected ${defaultAcr}`,
      );
      const response = await auth.fetch(`${api.origin}/payouts`, { method: 'POST', body: 'amount=1' });
      await browser.settled();
      const seen = () => describeRequests(api.seen);
      check(response.status === 200, `after the step-up the API answered ${response.status} (${seen()})`);
      check(
        browser.opened.length === 2,
        `${browser.opened.length} login pages were opened, expected 2 (the first login, the step-up)`,
      );
      check(
        asked.password === 1 && asked.code === 1,
        `the two logins asked for the password ${asked.password} and the code ${asked.code} time(s), expected 1 and 1 (the step-up only the code)`,
      );
      const stepUpRequest = new URL(browser.opened[1] as string).searchParams;
      check(
        stepUpRequest.get('acr_values') === strongerAcr,
        `the step-up login asked for acr_values=${stepUpRequest.get('acr_values')}, not ${strongerAcr}`,
      );
      check(
        api.seen.length === 2 &&
          api.seen[0]?.refusal?.startsWith('insufficient_user_authentication') === true &&
          api.seen[1]?.refusal === undefined &&
          api.seen[1]?.acr === strongerAcr,
        `expected the API to see 2 requests (refused at ${defaultAcr}, taken at ${strongerAcr}): ${seen()}`,
      );

      // The next call goes with the stepped-up token at once; a new instance finds it kept.
      const again = await auth.fetch(`${api.origin}/payouts`);
      // `number`: the check above narrowed `api.seen.length` to 2, though fetch() sent another since.
      const requests: number = api.seen.length;
      check(again.status === 200 && requests === 3, `the next call: ${again.status} (${seen()})`);
      const later = cell.auth({ ...stepUpOptions(support), allowedOrigins: [api.origin], stepUp: 'error' });
      const kept = await later.fetch(`${api.origin}/payouts`);
      check(kept.status === 200, `a new instance answered ${kept.status} (${seen()})`);
      check(
        browser.opened.length === 2,
        `a later call opened a login page (${browser.opened.length} in all)`,
      );
      await throughTheCommand(cell, support, api);
      return `acr_values=${strongerAcr}: password + one-time code → acr ${strongerAcr}; ${UNKNOWN_ACR} → the IdP logs in at ${defaultAcr}, LOGIN_REQUIREMENT_UNMET (nothing kept); auth.fetch: 401 insufficient_user_authentication → 1 login (acr_values=${strongerAcr}, the code only) + 1 retry → 200; the next call and a new instance: no login; the same with oidcflow login, fetch --step-up login, fetch, login --acr-values ${strongerAcr} (whoami: acr ${strongerAcr})`;
    } finally {
      await api.close();
    }
  },
};

/** Step 4: the command, its browser reached through BROWSER (a relay), its own cache. */
async function throughTheCommand(cell: CellHarness, support: StepUpSupport, api: ApiServer): Promise<void> {
  const { strongerAcr } = support;
  const directory = join(cell.workDir, 'step-up-command');
  await mkdir(directory, { recursive: true });
  const { driver: browser, asked } = await driver(cell, support);
  const relay = await startUrlRelay(directory, (url) => void browser.openUrl(url));
  try {
    const env = commandEnvironment(cell, relay);
    const [command, ...prefix] = oidcflowCommand() as [string, ...string[]];
    const settings = cellSettingsArgs(cell, join(directory, 'cache'), support.client);
    const oidcflow = async (args: string[]): Promise<string> => {
      const run = await runTool({
        command,
        // The command, the settings, then its own arguments: fetch takes its URL last.
        args: [...prefix, ...args.slice(0, 1), ...settings, ...args.slice(1)],
        env,
        timeoutMs: 120_000,
        signal: cell.signal,
      });
      await browser.settled();
      check(
        run.code === 0,
        `oidcflow ${args.join(' ')} failed (exit ${run.code}): ${outputTail(run.output)}`,
      );
      return run.stdout;
    };
    await oidcflow(['login']);
    const before = api.seen.length;
    await oidcflow(['fetch', '--step-up=login', `${api.origin}/payouts`]);
    const seen = api.seen.slice(before);
    check(
      browser.opened.length === 2 && asked.password === 1 && asked.code === 1,
      `oidcflow login and fetch --step-up login opened ${browser.opened.length} login pages, asked for the password ${asked.password} and the code ${asked.code} time(s); expected 2, 1, 1`,
    );
    check(
      new URL(browser.opened[1] as string).searchParams.get('acr_values') === strongerAcr &&
        seen.length === 2 &&
        seen[1]?.acr === strongerAcr,
      `oidcflow fetch --step-up login: the API saw ${describeRequests(seen)}`,
    );
    // No terminal, no flag: the kept stepped-up token, without a login.
    await oidcflow(['fetch', `${api.origin}/payouts`]);
    check(
      browser.opened.length === 2,
      'oidcflow fetch opened a login page although the stepped-up token is kept',
    );
    // The stronger level asked for by the command (level 2 holds for one login: the code again).
    await oidcflow(['login', `--acr-values=${strongerAcr}`]);
    const whoami = JSON.parse(await oidcflow(['whoami', '--output=json'])) as { claims?: { acr?: unknown } };
    // `number`: the check after the first login narrowed `asked.code` to 1; this login asked again.
    const codes: number = asked.code;
    check(
      codes === 2 && whoami.claims?.acr === strongerAcr,
      `oidcflow login --acr-values ${strongerAcr}: the code was asked ${codes - 1} time(s), whoami shows acr ${String(whoami.claims?.acr)}`,
    );
  } finally {
    await relay.stop();
  }
}

/**
 * A browser of its own signing in the step-up user, who has the second factor, and how often
 * the IdP's pages asked for the password and for the one-time code (what the page script read).
 */
async function driver(
  cell: CellHarness,
  support: StepUpSupport,
): Promise<{ driver: BrowserLoginDriver; asked: { password: number; code: number } }> {
  const asked = { password: 0, code: 0 };
  const { user } = support;
  const counted: TestUser = {
    username: user.username,
    get password() {
      asked.password += 1;
      return user.password;
    },
    oneTimeCode: () => {
      asked.code += 1;
      return user.oneTimeCode?.() ?? '';
    },
  };
  return { driver: await cell.loginDriver('approve', { user: counted }), asked };
}

/** What the API made of each request, in order: `insufficient_user_authentication`, `ok (acr gold)`. */
function describeRequests(requests: readonly ResourceRequest[]): string {
  return requests.map((request) => request.refusal?.split(':')[0] ?? `ok (acr ${request.acr})`).join(', ');
}

/** The step-up client's options; with `browser`, logins go to it. */
function stepUpOptions(
  support: StepUpSupport,
  browser?: BrowserLoginDriver,
  overrides: Partial<OidcAuthOptions> = {},
): Partial<OidcAuthOptions> {
  return {
    clientId: support.client.clientId,
    scopes: support.client.scopes,
    ...overrides,
    ...(browser ? { ports: { openUrl: (url: string) => browser.openUrl(url) } } : {}),
  };
}
