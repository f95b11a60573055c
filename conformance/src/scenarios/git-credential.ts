import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CellHarness } from '../matrix/cell-harness.js';
import { consumerPath, findExecutable, oidcflowCommand, shellQuote } from '../support/executables.js';
import { startGitServer } from '../support/git-server.js';
import { outputTail, runTool, type ToolOptions, type ToolRun } from '../support/run-tool.js';
import { describeRequests, grantRequests } from '../support/traffic.js';
import { cellSettingsArgs, firstPartyFlowsOnly, startConsumerLogin } from './consumer-tool.js';
import { check, type Scenario, ScenarioSkip } from './scenario.js';

const GIT_TIMEOUT_MS = 120_000;

/**
 * The helper as a user configures it: `!oidcflow git-credential --host <git host> …`, git
 * appending the action. Only `gitHost` gets a token.
 */
async function helperCommand(
  cell: CellHarness,
  directory: string,
  env: Record<string, string>,
  gitHost: string,
): Promise<string> {
  const args = [
    ...oidcflowCommand(),
    'git-credential',
    `--host=${gitHost}`,
    ...cellSettingsArgs(cell, cell.cachePath),
  ];
  if (cell.client.clientSecret) {
    const secretFile = join(directory, 'client-secret');
    await writeFile(secretFile, cell.client.clientSecret, { mode: 0o600 });
    args.push(`--client-secret-file=${secretFile}`);
  }
  // oidcflow's environment (BROWSER, the counting proxy) for the helper only, not for git's own requests.
  const assignments = Object.entries(env).map(([name, value]) => `${name}=${shellQuote(value)}`);
  return `!${[...assignments, ...args.map(shellQuote)].join(' ')}`;
}

/** A bare repository with one commit, served as `project.git`. */
/**
 * The real git's `ls-remote` of the server's repository with `helper` as the only credential
 * helper for its URL (a global one is switched off) and the server's CA.
 */
export function gitLsRemote(
  server: { url: string; caCertPath: string },
  helper: string,
  options: Pick<ToolOptions, 'env' | 'signal' | 'onOutput'>,
): Promise<ToolRun> {
  return runTool({
    command: 'git',
    args: [
      '-c',
      'credential.helper=',
      '-c',
      `credential.${server.url}.helper=${helper}`,
      '-c',
      `http.sslCAInfo=${server.caCertPath}`,
      'ls-remote',
      `${server.url}/project.git`,
    ],
    timeoutMs: GIT_TIMEOUT_MS,
    ...options,
  });
}

/**
 * The environment the real git (and kubectl beside it) runs in for a cell: the consumer's PATH
 * (no `node` when the plugin is the single executable), the cell's own HOME, no system
 * configuration, and never a prompt of git's own.
 */
export function consumerToolEnvironment(cell: CellHarness): NodeJS.ProcessEnv {
  return {
    PATH: consumerPath(),
    HOME: join(cell.workDir, 'home'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
  };
}

export async function makeRepository(
  root: string,
  env: NodeJS.ProcessEnv,
  signal: AbortSignal,
): Promise<string> {
  const work = join(root, 'work');
  await mkdir(work, { recursive: true });
  const git = (args: string[], cwd: string) =>
    runTool({ command: 'git', args, env, cwd, timeoutMs: 20_000, signal });
  const steps: Array<[string[], string]> = [
    [['init', '-q', '-b', 'main'], work],
    [
      [
        '-c',
        'user.name=Test',
        '-c',
        'user.email=test@example.test',
        'commit',
        '-q',
        '--allow-empty',
        '-m',
        'first',
      ],
      work,
    ],
    [['clone', '-q', '--bare', work, join(root, 'repos', 'project.git')], root],
  ];
  for (const [args, cwd] of steps) {
    const result = await git(args, cwd);
    if (result.code !== 0) throw new Error(`git ${args[0]} failed: ${outputTail(result.output)}`);
  }
  return join(root, 'repos');
}

/**
 * The real git over HTTPS with `oidcflow git-credential` as its credential helper, against a
 * smart-HTTP server (`git http-backend`) that takes a valid token of the IdP as the Basic
 * password: the first `git ls-remote` logs in, the second is served from the cache (no IdP
 * request), and after the server refuses the token, git's `erase` makes the next `get` refresh.
 */
export const gitCredential: Scenario = {
  name: 'git credential',
  summary:
    'real git, oidcflow as credential helper: login on the first call, none on the second; a refused token is erased and refreshed',
  flowKinds: ['browser', 'device'],
  notApplicable: firstPartyFlowsOnly,
  async run(cell) {
    if (!findExecutable('git')) throw new ScenarioSkip('git is not on PATH', 'git');
    const directory = join(cell.workDir, 'git');
    await mkdir(directory, { recursive: true });
    const gitEnv = consumerToolEnvironment(cell);
    const projectRoot = await makeRepository(directory, gitEnv, cell.signal);
    let output = '';
    const { driver, relay, env: helperEnv } = await startConsumerLogin(cell, directory, () => output);
    const server = await startGitServer(directory, projectRoot, {
      issuer: cell.target.issuer,
      clientId: cell.client.clientId,
      orAuthorizedParty: true,
      opaqueByUserinfo: true,
      ...(cell.target.caCertPath ? { caCertPath: cell.target.caCertPath } : {}),
    });
    try {
      const helper = await helperCommand(cell, directory, helperEnv, new URL(server.url).host);
      const lsRemote = () =>
        gitLsRemote(server, helper, {
          env: gitEnv,
          signal: cell.signal,
          onOutput: (text) => {
            output = text;
          },
        });
      const refs = /^[0-9a-f]{40}\s+HEAD$/m;
      const tokensAccepted = () => server.acceptedTokens.length;

      const first = await lsRemote();
      await driver.settled();
      check(
        first.code === 0,
        `the first git ls-remote failed (exit ${first.code}): ${outputTail(first.output)}`,
      );
      check(refs.test(first.stdout), `git listed no HEAD: ${outputTail(first.output)}`);
      check(
        driver.opened.length === 1,
        `the first call opened ${driver.opened.length} login pages, expected 1`,
      );

      const meter = cell.meter();
      const mark = meter.mark();
      const second = await lsRemote();
      check(second.code === 0, `the second git ls-remote failed: ${outputTail(second.output)}`);
      const cached = meter.since(mark);
      check(cached.length === 0, `the second call cost IdP requests: ${describeRequests(cached)}`);
      check(tokensAccepted() === 1, 'the second call sent another token than the first');

      // The server refuses the token now: git says `erase`, and the next `get` refreshes.
      const refusedToken = server.acceptedTokens[0] as string;
      server.refuse(refusedToken);
      const refused = await lsRemote();
      check(refused.code !== 0, 'git ls-remote succeeded with a refused token');
      const beforeRenewal = meter.mark();
      const renewed = await lsRemote();
      check(renewed.code === 0, `git ls-remote after the erase failed: ${outputTail(renewed.output)}`);
      check(tokensAccepted() === 2, 'the call after the erase did not send a new token');
      check(driver.opened.length === 1, 'a login ran instead of a refresh after the erase');
      const renewal = meter.since(beforeRenewal);
      if (meter.seesRequests) {
        check(
          grantRequests(renewal, 'refresh_token').length === 1,
          `expected one refresh_token request after the erase, saw: ${describeRequests(renewal)}`,
        );
      }
      // The same helper for every host (a global credential.helper), asked by git about a host a
      // repository could name (a submodule, an lfs.url): it answers nothing, git gets no token.
      const otherHost = await runTool({
        command: 'git',
        args: ['-c', 'credential.helper=', '-c', `credential.helper=${helper}`, 'credential', 'fill'],
        env: gitEnv,
        input: 'protocol=https\nhost=lfs.other-host.example\n\n',
        timeoutMs: GIT_TIMEOUT_MS,
        signal: cell.signal,
      });
      check(
        !otherHost.stdout.includes('password='),
        `the helper answered git for a host it was not given: ${outputTail(otherHost.output)}`,
      );
      const checks = [...new Set(server.requests.flatMap((request) => request.checkedBy ?? []))].join(', ');
      return `git logged in once, then 0 IdP requests; a refused token was erased and renewed by refresh, no login; another host got nothing (tokens checked by ${checks})`;
    } finally {
      await Promise.all([server.stop(), relay.stop()]);
    }
  },
};
