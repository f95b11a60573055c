import { join, resolve } from 'node:path';
import { summaryLine } from '../matrix/cell.js';
import { requiredFromEnv } from '../matrix/require.js';
import { runMatrix } from '../matrix/run-matrix.js';
import type { Subject } from '../matrix/subject.js';
import { firstPartySubjects, subjectsForPlugin } from '../matrix/subjects.js';
import { renderTextTable } from '../report/text-table.js';
import { writeReports } from '../report/write-reports.js';
import { SCENARIOS } from '../scenarios/index.js';
import { createTarget, isTargetName, TARGET_NAMES, type TargetName } from '../targets/registry.js';

export interface RunCommandInput {
  plugins: string[];
  targets: string[];
  scenarios: string[];
  firstParty: boolean | undefined;
  reportDir: string;
  quiet: boolean;
  /** `flows` for IdP and cache plugins: which first-party flows they run with. */
  withFlows: string[];
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Names that stand for several targets: `embedded` is oidc-provider in the harness, over HTTP and HTTPS. */
const TARGET_GROUPS: Record<string, readonly TargetName[]> = {
  embedded: ['oidc-provider-http', 'oidc-provider-https'],
};

/** Runs the matrix as the command line asked; returns the exit code. */
export async function runCommand(input: RunCommandInput, write: (text: string) => void): Promise<number> {
  input = {
    ...input,
    targets: input.targets.flatMap((name): readonly string[] => TARGET_GROUPS[name] ?? [name]),
  };
  const unknownTargets = input.targets.filter((name) => !isTargetName(name));
  if (unknownTargets.length > 0)
    throw new UsageError(`unknown target ${unknownTargets.join(', ')}; targets: ${TARGET_NAMES.join(', ')}`);
  const known = new Set(SCENARIOS.map((scenario) => scenario.name));
  const unknownScenarios = input.scenarios.filter((name) => !known.has(name));
  if (unknownScenarios.length > 0)
    throw new UsageError(
      `unknown scenario ${unknownScenarios.join(', ')}; scenarios: ${[...known].join(', ')}`,
    );
  const withFlows = input.withFlows.filter((flow): flow is 'auth_code' | 'device' | 'client_credentials' =>
    ['auth_code', 'device', 'client_credentials'].includes(flow),
  );
  if (withFlows.length !== input.withFlows.length)
    throw new UsageError('--with-flow takes auth_code, device or client_credentials');

  const required = requiredFromEnv();
  const subjects: Subject[] = [];
  if (input.firstParty ?? input.plugins.length === 0) subjects.push(...(await firstPartySubjects()));
  for (const plugin of input.plugins)
    subjects.push(...(await subjectsForPlugin(plugin, withFlows.length > 0 ? { withFlows } : {})));
  const targetNames = input.targets.length > 0 ? input.targets.filter(isTargetName) : [...TARGET_NAMES];
  const scenarios =
    input.scenarios.length > 0
      ? SCENARIOS.filter((scenario) => input.scenarios.includes(scenario.name))
      : SCENARIOS;

  const report = await runMatrix({
    subjects,
    targets: targetNames.map((name) => createTarget(name)),
    scenarios,
    required,
    artifactsDirectory: join(resolve(input.reportDir), 'screenshots'),
    progress: input.quiet ? () => {} : (line) => write(`  ${line}\n`),
  });
  const files = await writeReports(report, resolve(input.reportDir));
  write(`${renderTextTable(report)}\n`);
  write(`reports: ${files.json}, ${files.markdown}, ${files.html}\n`);
  // The closing line, last, for CI log readers.
  write(`${summaryLine(report.summary)}\n`);
  return report.summary.failed > 0 ? 1 : 0;
}
