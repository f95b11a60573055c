import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserSession } from '../browser-bridge/browser-provider.js';
import type { CellHarness } from '../matrix/cell-harness.js';
import { type BrowserLoginDriver, browserLoginDriver } from '../support/browser-login.js';
import { consumerPath, findExecutable, oidcflowCommand, shellQuote } from '../support/executables.js';
import { startGitServer } from '../support/git-server.js';
import { startKubeApiServer } from '../support/kube-api-server.js';
import { kubectlUnavailable, runKubectl, writeKubeconfig } from '../support/kubectl.js';
import { outputTail, runTool, type ToolRun } from '../support/run-tool.js';
import { startUrlRelay } from '../support/url-relay.js';
import type { TestUser } from '../targets/test-user.js';
import { cellSettingsArgs } from './consumer-tool.js';
import { consumerToolEnvironment, gitLsRemote, makeRepository } from './git-credential.js';
import { check, ScenarioSkip } from './scenario.js';

// What the scenarios of several accounts share: the built `oidcflow` with the cell's settings
// (as a user types them), a browser page script per user and browser, and the real kubectl (exec
// plugin) and git (credential helper with `--host`), each configured as a user does, in front of
// servers that check the token they are given.

const TOOL_TIMEOUT_MS = 120_000;

/** One account of `oidcflow accounts -o json`. */
export interface AccountJson {
  sub: string;
  username?: string;
  current: boolean;
  expiresAt?: number;
  refreshable: boolean;
  laterSignIn?: { account: { sub: string; username?: string }; at: number };
}

export interface AccountsBench {
  /** Runs `oidcflow ARGS` with the cell's settings; any exit code (its output is in the result). */
  run(args: string[]): Promise<ToolRun>;
  /** As `run`, and the command must succeed: its stdout. */
  oidcflow(args: string[]): Promise<string>;
  /** `oidcflow accounts -o json`. */
  accounts(): Promise<AccountJson[]>;
  /** A page script that signs `user` in, in the browser `session`. */
  driver(user: TestUser, session: BrowserSession): BrowserLoginDriver;
  /** The page script the login URLs oidcflow opens go to from now on. */
  signInWith(driver: BrowserLoginDriver): void;
  /** The `sub` kubectl and git reached their servers as, now (both must succeed). */
  toolsUser(): Promise<{ kube?: string; git?: string }>;
  /** The requests kubectl and git made with a token their server refused (a dead token handed out). */
  refusedTokens(): string[];
  stop(): Promise<void>;
}

/** Starts the bench in `cell.workDir/NAME`; ScenarioSkip when kubectl or git is missing. */
export async function startAccountsBench(cell: CellHarness, name: string): Promise<AccountsBench> {
  const unavailable = kubectlUnavailable();
  if (unavailable) throw new ScenarioSkip(unavailable, 'kubectl');
  if (!findExecutable('git')) throw new ScenarioSkip('git is not on PATH', 'git');
  const directory = join(cell.workDir, name);
  await mkdir(directory, { recursive: true });
  let output = '';
  let signing: BrowserLoginDriver | undefined;
  const relay = await startUrlRelay(directory, (url) => void signing?.openUrl(url));
  const env: Record<string, string> = {};
  for (const [variable, value] of Object.entries(cell.environment()))
    if (value !== undefined) env[variable] = value;
  Object.assign(env, { BROWSER: relay.browserCommand, PATH: consumerPath() });
  if (cell.client.clientSecret) env.OIDCFLOW_CLIENT_SECRET = cell.client.clientSecret;
  const [command, ...prefix] = oidcflowCommand() as [string, ...string[]];
  const settings = cellSettingsArgs(cell, cell.cachePath);
  const run = (args: string[]) =>
    runTool({
      command,
      args: [...prefix, ...args, ...settings],
      env,
      timeoutMs: TOOL_TIMEOUT_MS,
      signal: cell.signal,
      onOutput: (text) => {
        output = text;
      },
    });
  const oidcflow = async (args: string[]) => {
    const done = await run(args);
    check(
      done.code === 0,
      `oidcflow ${args.join(' ')} failed (exit ${done.code}): ${outputTail(done.output)}`,
    );
    return done.stdout;
  };

  // Each server writes its CA into its own directory.
  await Promise.all(['kube', 'git'].map((part) => mkdir(join(directory, part), { recursive: true })));
  const api = await startKubeApiServer(join(directory, 'kube'), {
    issuer: cell.target.issuer,
    clientId: cell.client.clientId,
    ...(cell.target.caCertPath ? { caCertPath: cell.target.caCertPath } : {}),
  });
  const toolEnv = consumerToolEnvironment(cell);
  const projectRoot = await makeRepository(directory, toolEnv, cell.signal);
  // A host that checks the token at the IdP (userinfo): a token whose session ended is refused.
  const git = await startGitServer(join(directory, 'git'), projectRoot, {
    issuer: cell.target.issuer,
    clientId: cell.client.clientId,
    orAuthorizedParty: true,
    opaqueByUserinfo: true,
    ...(cell.target.caCertPath ? { caCertPath: cell.target.caCertPath } : {}),
  });
  const kubeconfig = join(directory, 'kubeconfig');
  await writeKubeconfig(kubeconfig, { server: api.url, caCertPath: api.caCertPath }, [
    {
      name: 'oidc',
      apiVersion: 'client.authentication.k8s.io/v1',
      command,
      args: [...prefix, 'token', '--output=exec-credential', ...settings],
      env,
      interactiveMode: 'Never',
    },
  ]);
  const helper = `!${Object.entries(env)
    .map(([variable, value]) => `${variable}=${shellQuote(value)}`)
    .concat(
      [command, ...prefix, 'git-credential', `--host=${new URL(git.url).host}`, ...settings].map(shellQuote),
    )
    .join(' ')}`;

  return {
    run,
    oidcflow,
    async accounts() {
      return (JSON.parse(await oidcflow(['accounts', '-o', 'json'])) as { accounts: AccountJson[] }).accounts;
    },
    driver: (user, session) =>
      browserLoginDriver({
        session,
        pages: cell.target.pages,
        user,
        flowKind: cell.subject.flowKind,
        consent: 'approve',
        promptText: () => output,
        onFailure: (error) => cell.fail(error),
      }),
    signInWith(driver) {
      signing = driver;
    },
    async toolsUser() {
      const kube = await runKubectl({
        kubeconfig,
        context: 'oidc',
        args: ['get', '--raw', '/api'],
        env: toolEnv,
        terminal: false,
        timeoutMs: TOOL_TIMEOUT_MS,
        signal: cell.signal,
      });
      check(kube.code === 0, `kubectl failed (exit ${kube.code}): ${outputTail(kube.output)}`);
      const lsRemote = await gitLsRemote(git, helper, { env: toolEnv, signal: cell.signal });
      check(
        lsRemote.code === 0,
        `git ls-remote failed (exit ${lsRemote.code}): ${outputTail(lsRemote.output)}; the server: ${git.requests
          .map((request) => `${request.status} ${request.reason ?? ''}`.trim())
          .join('; ')}`,
      );
      const kubeUser = api.requests.filter((request) => request.status === 200).at(-1)?.username;
      const gitUser = git.requests.filter((request) => request.verdict === 'accepted').at(-1)?.subject;
      return {
        ...(kubeUser ? { kube: kubeUser.slice(kubeUser.lastIndexOf('#') + 1) } : {}),
        ...(gitUser ? { git: gitUser } : {}),
      };
    },
    refusedTokens: () => [
      ...api.requests
        .filter((request) => request.status === 401 && request.reason !== 'no bearer token')
        .map((request) => `kubectl: ${request.reason ?? 'refused'}`),
      ...git.requests
        .filter((request) => request.verdict === 'refused')
        .map((request) => `git: ${request.reason ?? 'refused'}`),
    ],
    async stop() {
      await Promise.all([api.stop(), git.stop(), relay.stop()]);
    },
  };
}
