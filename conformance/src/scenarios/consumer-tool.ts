import type { CellHarness } from '../matrix/cell-harness.js';
import { runsThirdPartyFlow, type Subject } from '../matrix/subject.js';
import { type BrowserLoginDriver, browserLoginDriver } from '../support/browser-login.js';
import { consumerPath } from '../support/executables.js';
import { startUrlRelay, type UrlRelay } from '../support/url-relay.js';
import type { RunningTarget, TargetClient } from '../targets/target.js';

// What the scenarios that run oidcflow under a real consumer tool (kubectl, git) share:
// the command's settings for the cell, and the browser reached through BROWSER.

/** `notApplicable` of a consumer-tool scenario: the command loads no third-party flow. */
export function firstPartyFlowsOnly(_target: RunningTarget, subject: Subject): string | undefined {
  return runsThirdPartyFlow(subject) ? 'the oidcflow command runs first-party flows only' : undefined;
}

/**
 * The options of `oidcflow <command>` that carry this cell's settings, as a tool's configuration
 * would; with `client`, that client of the target's instead of the cell's.
 */
export function cellSettingsArgs(
  cell: CellHarness,
  cachePath: string,
  client: TargetClient = cell.client,
): string[] {
  const args = [
    `--issuer=${cell.target.issuer}`,
    `--client-id=${client.clientId}`,
    `--flow=${cell.subject.flowName}`,
    `--cache-path=${cachePath}`,
    '--callback-port=0',
  ];
  if (client.scopes.length > 0) args.push(`--scope=${client.scopes.join(',')}`);
  if (cell.target.caCertPath) args.push(`--ca-cert-path=${cell.target.caCertPath}`);
  return args;
}

export interface ConsumerLogin {
  driver: BrowserLoginDriver;
  relay: UrlRelay;
  /** The environment oidcflow runs with under the tool: `commandEnvironment`. */
  env: Record<string, string>;
}

/**
 * The environment the `oidcflow` command runs with in a cell: the cell's variables, BROWSER set
 * to `relay`, and the consumers' PATH (the single executable under test gets no node on it
 * either).
 */
export function commandEnvironment(cell: CellHarness, relay: UrlRelay): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(cell.environment())) if (value !== undefined) env[name] = value;
  return Object.assign(env, { BROWSER: relay.browserCommand, PATH: consumerPath() });
}

/**
 * Drives the target's login pages in the cell's browser when oidcflow, started by the tool,
 * opens a URL through BROWSER (a relay in `directory`). `promptText` is what the tool has
 * printed so far (the device code). The caller stops `relay`.
 */
export async function startConsumerLogin(
  cell: CellHarness,
  directory: string,
  promptText: () => string,
): Promise<ConsumerLogin> {
  const session = await cell.browserSession();
  const driver = browserLoginDriver({
    session,
    pages: cell.target.pages,
    user: cell.target.user,
    flowKind: cell.subject.flowKind,
    consent: 'approve',
    promptText,
    onFailure: (error) => cell.fail(error),
  });
  const relay = await startUrlRelay(directory, (url) => void driver.openUrl(url));
  return { driver, relay, env: commandEnvironment(cell, relay) };
}
