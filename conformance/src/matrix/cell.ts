/** What one cell of the matrix (plugin × target × scenario) came to. */
export type CellStatus = 'passed' | 'failed' | 'skipped';

/** Why a cell could not run; `browser`, `keycloak`, `kubectl`, … skips become failures under OIDCFLOW_REQUIRE. */
export type SkipCause =
  | 'browser'
  | 'keycloak'
  | 'keycloak-container'
  | 'hydra'
  | 'spring'
  | 'external'
  | 'kubectl'
  | 'git'
  // The npm registry, for the test that installs the packed packages as a third party would.
  | 'npm-registry'
  | 'keyring'
  // The single executable (pnpm build:binary), for the consumer-tool scenarios run with it.
  | 'binary'
  | 'not-applicable'
  | 'not-selected'
  | 'target';

/**
 * Thrown when something a cell needs is not here: the cell is skipped with `skipCause` (a failure
 * when that cause is in OIDCFLOW_REQUIRE). A target that cannot start and a scenario that cannot
 * apply throw subclasses of it.
 */
export class CellSkip extends Error {
  constructor(
    message: string,
    readonly skipCause: SkipCause,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface CellResult {
  plugin: string;
  target: string;
  scenario: string;
  status: CellStatus;
  /** What was shown (passed), what went wrong (failed) or why it did not run (skipped). */
  detail: string;
  /** Set on skipped cells, and on failed cells that were skips before OIDCFLOW_REQUIRE. */
  skipCause?: SkipCause;
  durationMs: number;
  /** What the IdP's page showed when a page script gave up (failed cells only). */
  evidence?: CellEvidence;
}

export interface CellEvidence {
  /** The page's origin and path. */
  url: string;
  /** Its visible error text (or the start of its text). */
  visibleText: string;
  /** Absolute path of a PNG screenshot of the page, when one could be taken. */
  screenshot?: string;
}

export interface MatrixSummary {
  passed: number;
  failed: number;
  skipped: number;
}

export interface MatrixReport {
  /** ISO time the run started. */
  startedAt: string;
  wallTimeMs: number;
  machine: { node: string; platform: string; cpus: number };
  /** Which browser ran the browser cells, or why none could. Absent: no cell needed one. */
  browser?: string;
  plugins: string[];
  targets: Array<{ name: string; status: 'started' | 'skipped' | 'failed'; detail: string; startMs: number }>;
  scenarios: string[];
  cells: CellResult[];
  summary: MatrixSummary;
}

export function summarize(cells: readonly CellResult[]): MatrixSummary {
  const summary: MatrixSummary = { passed: 0, failed: 0, skipped: 0 };
  for (const cell of cells) summary[cell.status] += 1;
  return summary;
}

/** The closing line of every run. */
export function summaryLine(summary: MatrixSummary): string {
  return `${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`;
}
