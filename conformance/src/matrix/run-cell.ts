import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OidcflowError } from '@oidcflow/core';
import type { BrowserProvider } from '../browser-bridge/browser-provider.js';
import { PageScriptFailure } from '../browser-bridge/page-evidence.js';
import { type Scenario, ScenarioFailure, ScenarioSkip } from '../scenarios/scenario.js';
import { bounded } from '../support/bounded.js';
import type { TrafficMeter } from '../support/traffic.js';
import type { RunningTarget } from '../targets/target.js';
import type { CellEvidence, CellResult, SkipCause } from './cell.js';
import { CellHarness } from './cell-harness.js';
import { FLOW_OF_KIND, type Subject } from './subject.js';

/** What one cell needs: the running target, the subject, the scenario, the browser, where to work, the bound. */
export interface CellRunContext {
  target: RunningTarget;
  subject: Subject;
  scenario: Scenario;
  browser: BrowserProvider;
  traffic?: TrafficMeter;
  /** Each cell gets a fresh directory under it (cache, HOME). */
  runDirectory: string;
  timeoutMs: number;
  required: ReadonlySet<SkipCause>;
  progress?: (line: string) => void;
  /** Where screenshots of failed page scripts are kept (it outlives the run). */
  artifactsDirectory?: string;
}

const MAX_DETAIL = 600;

/** A failure as one short line: the code of an OidcflowError, the message, nothing secret. */
export function describeFailure(error: unknown): string {
  let text: string;
  if (OidcflowError.isInstance(error)) text = `${error.code}: ${error.message}`;
  else if (error instanceof ScenarioFailure) text = error.message;
  else if (error instanceof Error) text = `${error.name}: ${error.message}`;
  else text = String(error);
  // A JWT-looking string never reaches a report.
  text = text
    .replace(/eyJ[\w-]+\.[\w-]+\.[\w-]*/g, '[token]')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}…` : text;
}

/** A skip, or a failure when the run requires what is missing (`OIDCFLOW_REQUIRE`). */
export function skipResult(
  base: Omit<CellResult, 'status' | 'detail' | 'skipCause'>,
  reason: string,
  cause: SkipCause,
  required: ReadonlySet<SkipCause>,
): CellResult {
  if (required.has(cause))
    return {
      ...base,
      status: 'failed',
      detail: `required by OIDCFLOW_REQUIRE (${cause}), but skipped: ${reason}`,
      skipCause: cause,
    };
  return { ...base, status: 'skipped', detail: reason, skipCause: cause };
}

/** A failed page script's evidence for the report; its screenshot is written to `directory`. */
async function cellEvidence(
  reason: unknown,
  directory: string | undefined,
  name: string,
): Promise<CellEvidence | undefined> {
  const evidence = PageScriptFailure.evidenceOf(reason);
  if (!evidence) return undefined;
  const result: CellEvidence = { url: evidence.url, visibleText: evidence.visibleText };
  if (evidence.screenshot && directory) {
    const file = join(directory, `${name.replace(/[^\w.-]+/g, '_')}-${Date.now()}.png`);
    try {
      await mkdir(directory, { recursive: true });
      await writeFile(file, evidence.screenshot);
      result.screenshot = file;
    } catch {
      // The report still has the URL and the page's text.
    }
  }
  return result;
}

/** Runs one scenario for one plugin on one running target, within the timeout. Never throws. */
export async function runCell(context: CellRunContext): Promise<CellResult> {
  const { target, subject, scenario } = context;
  const started = Date.now();
  const base = () => ({
    plugin: subject.label,
    target: target.name,
    scenario: scenario.name,
    durationMs: Date.now() - started,
  });
  if (subject.loadError) return { ...base(), status: 'failed', detail: subject.loadError };
  const flow = FLOW_OF_KIND[subject.flowKind];
  if (!target.capabilities.flows.includes(flow) || !target.clients[flow])
    return skipResult(
      base(),
      target.capabilities.flowUnavailable?.[flow] ?? `${target.name} has no client for the ${flow} flow`,
      'not-applicable',
      context.required,
    );
  const notApplicable = scenario.notApplicable?.(target, subject);
  if (notApplicable) return skipResult(base(), notApplicable, 'not-applicable', context.required);

  const workDir = await mkdtemp(join(context.runDirectory, 'cell-'));
  const controller = new AbortController();
  const harness = new CellHarness({
    target,
    subject,
    browser: context.browser,
    ...(context.traffic ? { traffic: context.traffic } : {}),
    workDir,
    controller,
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new ScenarioFailure(`did not finish within ${Math.round(context.timeoutMs / 1000)} s`);
      harness.fail(error);
      reject(error);
    }, context.timeoutMs);
  });
  // A page script that fails aborts the cell; its reason says more than the flow's LOGIN_ABORTED.
  const aborted = new Promise<never>((_, reject) => {
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
  });
  try {
    const detail = await Promise.race([scenario.run(harness), timeout, aborted]);
    return { ...base(), status: 'passed', detail };
  } catch (error) {
    if (error instanceof ScenarioSkip)
      return skipResult(base(), error.message, error.skipCause, context.required);
    const reason = controller.signal.aborted ? controller.signal.reason : error;
    const evidence = await cellEvidence(
      reason,
      context.artifactsDirectory,
      `${target.name}-${subject.label}-${scenario.name}`,
    );
    return {
      ...base(),
      status: 'failed',
      detail: describeFailure(reason),
      ...(evidence ? { evidence } : {}),
    };
  } finally {
    clearTimeout(timer);
    if (!controller.signal.aborted) controller.abort(new Error('the cell ended'));
    target.tokenScript?.clear();
    await bounded(harness.close(), 15_000, () =>
      context.progress?.(`${target.name} × ${scenario.name}: a browser context did not close`),
    );
    await rm(workDir, { recursive: true, force: true }).catch(() => {});
  }
}
