import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { forgetKernelKeysUnder } from '@oidcflow/cache-keyring/testing';
import type { BrowserProvider } from '../browser-bridge/browser-provider.js';
import { launchChromium } from '../browser-bridge/chromium.js';
import { SCENARIOS } from '../scenarios/index.js';
import type { Scenario } from '../scenarios/scenario.js';
import { bounded } from '../support/bounded.js';
import { createTrafficMeter } from '../support/traffic.js';
import type { ConformanceTarget, RunningTarget } from '../targets/target.js';
import { TargetUnavailable } from '../targets/target.js';
import { type CellResult, type MatrixReport, type SkipCause, summarize } from './cell.js';
import { scenarioApplies } from './plan.js';
import { describeFailure, runCell, skipResult } from './run-cell.js';
import type { Subject } from './subject.js';

export interface MatrixOptions {
  subjects: readonly Subject[];
  targets: readonly ConformanceTarget[];
  /** @default every scenario */
  scenarios?: readonly Scenario[];
  /** Skip causes that count as failures (OIDCFLOW_REQUIRE). */
  required?: ReadonlySet<SkipCause>;
  /** A browser to use; absent: the system Chromium is launched when a row needs one. */
  browser?: BrowserProvider;
  /** Per cell. @default 120 s */
  cellTimeoutMs?: number;
  /** Where screenshots of failed page scripts go. @default a folder under the OS temp folder, kept */
  artifactsDirectory?: string;
  /** Progress lines (one per target event and per cell). */
  progress?: (line: string) => void;
}

type TargetEntry = MatrixReport['targets'][number];

function browserNeeded(subjects: readonly Subject[]): boolean {
  return subjects.some((subject) => subject.flowKind !== 'client');
}

/**
 * Runs every applicable scenario for every subject on every target. Targets start in
 * parallel, each once; the cells of one target run one after another (they share its request
 * log), targets side by side. Never throws for a failing cell or target: the report says.
 */
export async function runMatrix(options: MatrixOptions): Promise<MatrixReport> {
  const started = Date.now();
  const scenarios = options.scenarios ?? SCENARIOS;
  const required = options.required ?? new Set<SkipCause>();
  const progress = options.progress ?? (() => {});
  const runDirectory = await mkdtemp(join(tmpdir(), 'oidcflow-conformance-'));
  const artifactsDirectory =
    options.artifactsDirectory ?? join(tmpdir(), `oidcflow-conformance-screenshots-${process.pid}`);
  const ownBrowser = !options.browser && browserNeeded(options.subjects);
  const browser: BrowserProvider =
    options.browser ??
    (ownBrowser
      ? await launchChromium()
      : { newSession: () => Promise.reject(new Error('no browser')), close: async () => {} });
  if (browser.unavailableReason) progress(`browser: ${browser.unavailableReason}`);
  else if (browser.description) progress(`browser: ${browser.description}`);

  const cellsFor = (target: string) =>
    options.subjects.flatMap((subject) =>
      scenarios
        .filter((scenario) => scenarioApplies(scenario, subject))
        .map((scenario) => ({ subject, scenario, target })),
    );

  const runTarget = async (
    target: ConformanceTarget,
  ): Promise<{ entry: TargetEntry; cells: CellResult[] }> => {
    const startedTarget = Date.now();
    let running: RunningTarget;
    try {
      progress(`${target.name}: starting`);
      running = await target.start();
    } catch (error) {
      const startMs = Date.now() - startedTarget;
      const unavailable = error instanceof TargetUnavailable;
      const reason = unavailable ? error.message : `did not start: ${describeFailure(error)}`;
      progress(`${target.name}: ${unavailable ? 'skipped' : 'failed'} — ${reason}`);
      const cells = cellsFor(target.name).map(({ subject, scenario }) => {
        const base = { plugin: subject.label, target: target.name, scenario: scenario.name, durationMs: 0 };
        return unavailable
          ? skipResult(base, reason, error.skipCause, required)
          : { ...base, status: 'failed' as const, detail: reason };
      });
      return {
        entry: { name: target.name, status: unavailable ? 'skipped' : 'failed', detail: reason, startMs },
        cells,
      };
    }
    const startMs = Date.now() - startedTarget;
    progress(`${target.name}: started in ${(startMs / 1000).toFixed(1)} s (${running.description})`);
    const cells: CellResult[] = [];
    let traffic: Awaited<ReturnType<typeof createTrafficMeter>> | undefined;
    try {
      traffic = await createTrafficMeter(running);
      for (const { subject, scenario } of cellsFor(target.name)) {
        const result = await runCell({
          target: running,
          subject,
          scenario,
          browser,
          traffic,
          runDirectory,
          timeoutMs: options.cellTimeoutMs ?? 120_000,
          required,
          progress,
          artifactsDirectory,
        });
        progress(
          `${target.name} × ${subject.label} × ${scenario.name}: ${result.status} (${(result.durationMs / 1000).toFixed(1)} s) ${result.status === 'passed' ? '' : result.detail}`,
        );
        cells.push(result);
      }
    } finally {
      if (traffic)
        await bounded(traffic.stop(), 5_000, () =>
          progress(`${target.name}: the request meter did not stop`),
        );
      await bounded(
        running
          .stop()
          .catch((error: unknown) => progress(`${target.name}: stop failed: ${describeFailure(error)}`)),
        60_000,
        () => progress(`${target.name}: did not stop within 60 s`),
      );
    }
    return { entry: { name: target.name, status: 'started', detail: running.description, startMs }, cells };
  };

  try {
    const results = await Promise.all(options.targets.map(runTarget));
    const cells = results.flatMap((result) => result.cells);
    return {
      startedAt: new Date(started).toISOString(),
      wallTimeMs: Date.now() - started,
      machine: {
        node: process.version,
        platform: `${process.platform}-${process.arch}`,
        cpus: cpus().length,
      },
      ...(browserNeeded(options.subjects)
        ? { browser: browser.description ?? browser.unavailableReason ?? 'a browser given by the caller' }
        : {}),
      plugins: options.subjects.map((subject) => subject.label),
      targets: results.map((result) => result.entry),
      scenarios: scenarios.map((scenario) => scenario.name),
      cells,
      summary: summarize(cells),
    };
  } finally {
    if (ownBrowser)
      await bounded(browser.close(), 15_000, () => progress('the browser did not close in time'));
    await rm(runDirectory, { recursive: true, force: true }).catch(() => {});
    // The cells' caches (the CLI's default is the keyring cache) leave data key copies and
    // decode memos in the kernel keyring, which outlive the directory.
    forgetKernelKeysUnder(runDirectory);
  }
}
