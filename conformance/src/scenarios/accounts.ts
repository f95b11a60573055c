import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type BrowserLoginDriver, browserLoginDriver } from '../support/browser-login.js';
import { consumerPath, findExecutable, oidcflowCommand, shellQuote } from '../support/executables.js';
import { startGitServer } from '../support/git-server.js';
import { startKubeApiServer } from '../support/kube-api-server.js';
import { kubectlUnavailable, runKubectl, writeKubeconfig } from '../support/kubectl.js';
import { outputTail, runTool } from '../support/run-tool.js';
import { startUrlRelay } from '../support/url-relay.js';
import type { TestUser } from '../targets/test-user.js';
import { cellSettingsArgs, firstPartyFlowsOnly } from './consumer-tool.js';
import { gitLsRemote, makeRepository } from './git-credential.js';
import { check, type Scenario, ScenarioSkip } from './scenario.js';

const TOOL_TIMEOUT_MS = 120_000;

interface AccountJson {
  sub: string;
  username?: string;
  current: boolean;
}

/**
 * Two real users of the target under one setting: alice logs in, bob logs in with `--account`
 * (login_hint, and prompt=login since alice's IdP session is there), `oidcflow accounts use`
 * switches, and the real kubectl (exec plugin) and the real git (credential helper with
 * `--host`) come to their servers as the current user; `logout --account` removes one, and the
 * other stays and is what the tools get.
 */
export const accounts: Scenario = {
  name: 'two accounts',
  summary:
    'two real users: login, login --account (login_hint), accounts use; real kubectl and git get the current user; logout --account keeps the other',
  flowKinds: ['browser'],
  notApplicable: (target, subject) =>
    firstPartyFlowsOnly(target, subject) ??
    (target.otherUser ? undefined : `${target.name} names no second user to log in`),
  async run(cell) {
    const unavailable = kubectlUnavailable();
    if (unavailable) throw new ScenarioSkip(unavailable, 'kubectl');
    if (!findExecutable('git')) throw new ScenarioSkip('git is not on PATH', 'git');
    const alice = cell.target.user;
    const bob = cell.target.otherUser as TestUser;
    const directory = join(cell.workDir, 'accounts');
    await mkdir(directory, { recursive: true });
    let output = '';
    const drivers = new Map<string, BrowserLoginDriver>();
    // Each user signs in in a browser of their own: in one browser, oidc-provider and Keycloak
    // end alice's IdP session once bob signs in (her access and refresh tokens are refused;
    // the scenario 'two users, one browser' shows it).
    for (const user of [alice, bob]) {
      drivers.set(
        user.username,
        browserLoginDriver({
          session: await cell.browserSession(),
          pages: cell.target.pages,
          user,
          flowKind: cell.subject.flowKind,
          consent: 'approve',
          promptText: () => output,
          onFailure: (error) => cell.fail(error),
        }),
      );
    }
    // The user whose login the next opened page is: the browser signs in whom the scenario asks for.
    let signingIn = alice.username;
    const relay = await startUrlRelay(directory, (url) => void drivers.get(signingIn)?.openUrl(url));
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(cell.environment()))
      if (value !== undefined) env[name] = value;
    Object.assign(env, { BROWSER: relay.browserCommand, PATH: consumerPath() });
    if (cell.client.clientSecret) env.OIDCFLOW_CLIENT_SECRET = cell.client.clientSecret;
    const [command, ...prefix] = oidcflowCommand() as [string, ...string[]];
    const settings = cellSettingsArgs(cell, cell.cachePath);
    const oidcflow = async (args: string[]) => {
      const run = await runTool({
        command,
        args: [...prefix, ...args, ...settings],
        env,
        timeoutMs: TOOL_TIMEOUT_MS,
        signal: cell.signal,
        onOutput: (text) => {
          output = text;
        },
      });
      check(
        run.code === 0,
        `oidcflow ${args.join(' ')} failed (exit ${run.code}): ${outputTail(run.output)}`,
      );
      return run.stdout;
    };
    const listed = async () =>
      (JSON.parse(await oidcflow(['accounts', '-o', 'json'])) as { accounts: AccountJson[] }).accounts;

    // Each server writes its CA into its own directory.
    await Promise.all(['kube', 'git'].map((name) => mkdir(join(directory, name), { recursive: true })));
    const api = await startKubeApiServer(join(directory, 'kube'), {
      issuer: cell.target.issuer,
      clientId: cell.client.clientId,
      ...(cell.target.caCertPath ? { caCertPath: cell.target.caCertPath } : {}),
    });
    const toolEnv: NodeJS.ProcessEnv = {
      PATH: consumerPath(),
      HOME: join(cell.workDir, 'home'),
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_TERMINAL_PROMPT: '0',
    };
    const projectRoot = await makeRepository(directory, toolEnv, cell.signal);
    const git = await startGitServer(join(directory, 'git'), projectRoot, {
      issuer: cell.target.issuer,
      clientId: cell.client.clientId,
      orAuthorizedParty: true,
      opaqueByUserinfo: true,
      ...(cell.target.caCertPath ? { caCertPath: cell.target.caCertPath } : {}),
    });
    try {
      // 1. alice, then bob by --account (the browser signs in bob, whom login_hint names).
      await oidcflow(['login']);
      await drivers.get(alice.username)?.settled();
      signingIn = bob.username;
      await oidcflow(['login', `--account=${bob.username}`]);
      await drivers.get(bob.username)?.settled();
      const both = await listed();
      const subOf = (user: TestUser) => both.find((account) => account.username === user.username)?.sub;
      const aliceSub = subOf(alice);
      const bobSub = subOf(bob);
      check(
        aliceSub !== undefined && bobSub !== undefined && aliceSub !== bobSub,
        `oidcflow accounts does not list ${alice.username} and ${bob.username} apart: ${JSON.stringify(both)}`,
      );
      check(
        both.find((account) => account.current)?.sub === bobSub,
        `${bob.username}'s login did not make it the current account`,
      );

      // The real tools, each as a user configures it, with oidcflow's settings in their configuration.
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
        .map(([name, value]) => `${name}=${shellQuote(value)}`)
        .concat(
          [command, ...prefix, 'git-credential', `--host=${new URL(git.url).host}`, ...settings].map(
            shellQuote,
          ),
        )
        .join(' ')}`;
      /** Which `sub` kubectl and git reach their servers as, now. */
      const toolsUser = async (): Promise<{ kube?: string; git?: string }> => {
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
        return {
          ...(kubeUser ? { kube: kubeUser.slice(kubeUser.lastIndexOf('#') + 1) } : {}),
          ...(git.requests.filter((request) => request.verdict === 'accepted').at(-1)?.subject
            ? {
                git: git.requests.filter((request) => request.verdict === 'accepted').at(-1)
                  ?.subject as string,
              }
            : {}),
        };
      };
      const expectTools = async (user: TestUser, sub: string, when: string) => {
        const seen = await toolsUser();
        check(seen.kube === sub, `${when}: kubectl came as sub ${seen.kube}, not ${user.username}'s ${sub}`);
        check(seen.git === sub, `${when}: git came as sub ${seen.git}, not ${user.username}'s ${sub}`);
      };

      // 2. bob is current: the tools are bob. 3. Switch to alice: the tools are alice.
      await expectTools(bob, bobSub as string, `after ${bob.username}'s login`);
      await oidcflow(['accounts', 'use', alice.username]);
      await expectTools(alice, aliceSub as string, `after accounts use ${alice.username}`);

      // 4. Log alice out: bob stays, becomes current, and the tools are bob with no login.
      await oidcflow(['logout', `--account=${alice.username}`]);
      const left = await listed();
      check(
        left.length === 1 && left[0]?.sub === bobSub && left[0].current,
        `after logout --account ${alice.username}: ${JSON.stringify(left)}`,
      );
      await expectTools(bob, bobSub as string, `after logout --account ${alice.username}`);
      const opened = [...drivers.values()].reduce((sum, driver) => sum + driver.opened.length, 0);
      check(opened === 2, `${opened} login pages were opened, expected 2 (one per user)`);
      return `${alice.username} and ${bob.username} logged in (2 pages); kubectl and git came as ${bob.username}, then as ${alice.username} after accounts use; logout --account ${alice.username} left ${bob.username}, whom the tools got`;
    } finally {
      await Promise.all([api.stop(), git.stop(), relay.stop()]);
    }
  },
};
