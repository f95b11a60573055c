// The external target as a pipeline would use it, pointed at an IdP it was not configured for
// (an embedded oidc-provider started here, described only by OIDCFLOW_EXTERNAL_* variables):
// the generic page script drives its pages, consent denial runs only where the variable says,
// and a login that cannot go on fails at once with the page's text and a screenshot in the report.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEVICE_CLIENT_ID, NATIVE_CLIENT_ID, startTestIdp, type TestIdp } from '@oidcflow/test-idp';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import type { BrowserProvider } from '../src/browser-bridge/browser-provider.js';
import { launchChromium } from '../src/browser-bridge/chromium.js';
import type { CellResult, MatrixReport } from '../src/matrix/cell.js';
import { runMatrix } from '../src/matrix/run-matrix.js';
import type { Subject } from '../src/matrix/subject.js';
import { firstPartySubjects } from '../src/matrix/subjects.js';
import { writeReports } from '../src/report/write-reports.js';
import { SCENARIOS } from '../src/scenarios/index.js';
import { consentDenialFromEnv, externalTarget } from '../src/targets/external/external-target.js';

const browserRequired = (process.env.OIDCFLOW_REQUIRE ?? '').split(',').includes('browser');

let idp: TestIdp;
let browser: BrowserProvider;
let userFlows: Subject[];
let reportDir: string;
beforeAll(async () => {
  [idp, browser, userFlows] = await Promise.all([
    startTestIdp({ deviceIntervalSeconds: 1 }),
    launchChromium(),
    firstPartySubjects().then((subjects) => subjects.filter((subject) => subject.flowKind !== 'client')),
  ]);
  reportDir = await mkdtemp(join(tmpdir(), 'oidcflow-external-report-'));
}, 90_000);
afterAll(async () => {
  await Promise.all([idp?.stop(), browser?.close()]);
  if (reportDir) await rm(reportDir, { recursive: true, force: true });
});

function needsBrowser(context: TestContext): void {
  if (!browser.unavailableReason) return;
  if (browserRequired) throw new Error(`required by OIDCFLOW_REQUIRE: ${browser.unavailableReason}`);
  context.skip(browser.unavailableReason);
}

function environment(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    OIDCFLOW_EXTERNAL_ISSUER: idp.issuer,
    OIDCFLOW_EXTERNAL_AUTHCODE_CLIENT_ID: NATIVE_CLIENT_ID,
    OIDCFLOW_EXTERNAL_DEVICE_CLIENT_ID: DEVICE_CLIENT_ID,
    OIDCFLOW_EXTERNAL_USERNAME: idp.user.login,
    OIDCFLOW_EXTERNAL_PASSWORD: idp.user.password,
    ...extra,
  };
}

function cell(report: MatrixReport, flowKind: string, scenario: string): CellResult | undefined {
  const label = userFlows.find((subject) => subject.flowKind === flowKind)?.label;
  return report.cells.find((entry) => entry.plugin === label && entry.scenario === scenario);
}

describe('OIDCFLOW_EXTERNAL_CONSENT_DENIAL', () => {
  it('takes 1, 0, a list of flows, or per-flow values, and refuses a word it does not know', () => {
    expect(consentDenialFromEnv('1')).toEqual({ auth_code: true, device: true });
    expect(consentDenialFromEnv(undefined)).toEqual({});
    expect(consentDenialFromEnv('0')).toEqual({});
    expect(consentDenialFromEnv('auth_code')).toEqual({ auth_code: true });
    expect(consentDenialFromEnv('auth_code, device')).toEqual({ auth_code: true, device: true });
    expect(consentDenialFromEnv('auth_code=1,device=0')).toEqual({ auth_code: true, device: false });
    expect(consentDenialFromEnv('device=yes')).toEqual({ device: true });
    expect(() => consentDenialFromEnv('authcod')).toThrow(/use 1, 0, a list of flows/);
    expect(() => consentDenialFromEnv('device=maybe')).toThrow(
      /OIDCFLOW_EXTERNAL_CONSENT_DENIAL=device=maybe/,
    );
  });
});

describe('the external target with the generic page script', () => {
  it('logs in with both user flows and refuses consent only on the flow the variable names', async (context) => {
    needsBrowser(context);
    const report = await runMatrix({
      subjects: userFlows,
      targets: [externalTarget(environment({ OIDCFLOW_EXTERNAL_CONSENT_DENIAL: 'auth_code=1,device=0' }))],
      scenarios: SCENARIOS.filter((scenario) => ['login', 'consent denied'].includes(scenario.name)),
      browser,
    });
    const summary = report.cells.map(
      (entry) => `${entry.plugin} × ${entry.scenario}: ${entry.status} ${entry.detail}`,
    );
    expect(cell(report, 'browser', 'login')?.status, summary.join('\n')).toBe('passed');
    expect(cell(report, 'device', 'login')?.status, summary.join('\n')).toBe('passed');
    expect(cell(report, 'browser', 'consent denied')?.status, summary.join('\n')).toBe('passed');
    expect(cell(report, 'device', 'consent denied')).toMatchObject({ status: 'skipped' });
  });

  it('fails a login whose page does not move within the step bound, with the page’s text and a screenshot in the HTML report', async (context) => {
    needsBrowser(context);
    const report = await runMatrix({
      subjects: userFlows.filter((subject) => subject.flowKind === 'browser'),
      // No user name: the IdP's required field keeps the sign-in form where it is.
      targets: [
        externalTarget(
          environment({ OIDCFLOW_EXTERNAL_USERNAME: '', OIDCFLOW_EXTERNAL_PAGE_STEP_SECONDS: '3' }),
        ),
      ],
      scenarios: SCENARIOS.filter((scenario) => scenario.name === 'login'),
      browser,
      artifactsDirectory: join(reportDir, 'screenshots'),
    });
    const failed = cell(report, 'browser', 'login');
    expect(failed?.status).toBe('failed');
    expect(failed?.durationMs).toBeLessThan(15_000);
    expect(failed?.detail).toContain('the page did not move within 3 s after the script signed in');
    // What the browser showed beside the empty field, which is not in the page's text.
    expect(failed?.detail).toMatch(/the page shows: ".+" at the field login/);
    expect(failed?.evidence?.url).toBe(`${idp.issuer}/interaction/${failed?.evidence?.url.split('/').pop()}`);
    const screenshot = failed?.evidence?.screenshot as string;
    expect((await stat(screenshot)).size).toBeGreaterThan(1_000);

    const files = await writeReports(report, reportDir);
    const html = await readFile(files.html, 'utf8');
    expect(html).toContain('<img alt="screenshot of');
    expect(html).toContain('src="data:image/png;base64,');
    expect(html).toContain('img-src data:');
    expect(html).toContain(`the page at ${failed?.evidence?.url}`);
    const markdown = await readFile(files.markdown, 'utf8');
    expect(markdown).toMatch(/\(\[screenshot\]\(screenshots\/[^)]+\.png\)\)/);
    expect(html).not.toContain(idp.user.password);
    console.info(`stuck login cell failed in ${failed?.durationMs} ms: ${failed?.detail}`);
  });
});
