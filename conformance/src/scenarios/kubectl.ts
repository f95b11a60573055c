import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { CellHarness } from '../matrix/cell-harness.js';
import { FLOW_OF_KIND } from '../matrix/subject.js';
import { consumerPath, oidcflowCommand } from '../support/executables.js';
import { startKubeApiServer } from '../support/kube-api-server.js';
import { type ExecUser, kubectlUnavailable, runKubectl, writeKubeconfig } from '../support/kubectl.js';
import { outputTail } from '../support/run-tool.js';
import { describeRequests } from '../support/traffic.js';
import { cellSettingsArgs, firstPartyFlowsOnly, startConsumerLogin } from './consumer-tool.js';
import { check, type Scenario, ScenarioSkip } from './scenario.js';

const KUBECTL_TIMEOUT_MS = 120_000;
const V1 = 'client.authentication.k8s.io/v1';
const V1BETA1 = 'client.authentication.k8s.io/v1beta1';

/** `oidcflow token --output exec-credential` with this cell's settings, as a kubeconfig would call it. */
function execArgs(cell: CellHarness, cachePath: string): string[] {
  return ['token', '--output=exec-credential', ...cellSettingsArgs(cell, cachePath)];
}

/**
 * The real kubectl with oidcflow as its exec plugin, against an API server that checks the
 * bearer JWT as kube-apiserver's OIDC authenticator does (JWKS signature, iss, aud = client
 * id, exp): the first call logs in (the target's pages in Playwright, reached through the
 * BROWSER command oidcflow runs), the second is answered from the cache without an IdP request,
 * a v1beta1 plugin is answered in v1beta1, and a non-interactive call with nothing cached fails
 * with the advice to run `oidcflow login`, opening nothing.
 */
export const kubectl: Scenario = {
  name: 'kubectl',
  summary:
    'real kubectl, oidcflow as exec plugin: login on the first call, none on the second; the API server accepts the ID token; v1beta1; interactive: false never prompts',
  flowKinds: ['browser', 'device'],
  notApplicable: (target, subject) => {
    const firstParty = firstPartyFlowsOnly(target, subject);
    if (firstParty) return firstParty;
    const client = target.clients[FLOW_OF_KIND[subject.flowKind]];
    // kube-apiserver's OIDC authenticator takes the ID token, which only an openid login yields.
    if (client && !client.scopes.includes('openid'))
      return `${target.name} gives this flow's client no ID token (it cannot ask for openid here: scopes ${client.scopes.join(' ')})`;
    return undefined;
  },
  async run(cell) {
    const unavailable = kubectlUnavailable();
    if (unavailable) throw new ScenarioSkip(unavailable, 'kubectl');
    const [command, ...commandPrefix] = oidcflowCommand() as [string, ...string[]];
    const directory = join(cell.workDir, 'kubectl');
    await mkdir(directory, { recursive: true });
    let output = '';
    const { driver, relay, env: pluginEnv } = await startConsumerLogin(cell, directory, () => output);
    const api = await startKubeApiServer(directory, {
      issuer: cell.target.issuer,
      clientId: cell.client.clientId,
      ...(cell.target.caCertPath ? { caCertPath: cell.target.caCertPath } : {}),
    });
    try {
      if (cell.client.clientSecret) pluginEnv.OIDCFLOW_CLIENT_SECRET = cell.client.clientSecret;
      const user = (
        name: string,
        apiVersion: ExecUser['apiVersion'],
        cachePath: string,
        interactiveMode: ExecUser['interactiveMode'],
      ): ExecUser => ({
        name,
        apiVersion,
        command,
        args: [...commandPrefix, ...execArgs(cell, cachePath)],
        env: pluginEnv,
        interactiveMode,
      });
      const kubeconfig = join(directory, 'kubeconfig');
      await writeKubeconfig(kubeconfig, { server: api.url, caCertPath: api.caCertPath }, [
        user('oidc', V1, cell.cachePath, 'IfAvailable'),
        user('oidc-v1beta1', V1BETA1, cell.cachePath, 'Never'),
        user('oidc-not-logged-in', V1, join(directory, 'empty-cache'), 'Never'),
      ]);
      // kubectl's own environment: the plugin's settings are in the kubeconfig, as a user's are.
      const env = { PATH: consumerPath(), HOME: join(cell.workDir, 'home') };
      const kubectlGet = (context: string, terminal: boolean) =>
        runKubectl({
          kubeconfig,
          context,
          args: ['get', '--raw', '/api'],
          env,
          terminal,
          timeoutMs: KUBECTL_TIMEOUT_MS,
          signal: cell.signal,
          onOutput: (text) => {
            output = text;
          },
        });
      const accepted = () => api.requests.filter((request) => request.status === 200);

      // 1. The first call logs in.
      const first = await kubectlGet('oidc', true);
      await driver.settled();
      check(first.code === 0, `the first kubectl call failed (exit ${first.code}): ${tail(first.output)}`);
      check(
        /"kind":\s*"APIVersions"/.test(first.output),
        `kubectl printed no APIVersions: ${tail(first.output)}`,
      );
      check(
        driver.opened.length === 1,
        `the first call opened ${driver.opened.length} login pages, expected 1`,
      );
      const username = accepted()[0]?.username;
      check(username !== undefined, `the API server accepted no token: ${refusals(api.requests)}`);

      // 2. The second call: from oidcflow's cache (kubectl keeps none between runs), no IdP request.
      const meter = cell.meter();
      const mark = meter.mark();
      const second = await kubectlGet('oidc', true);
      check(
        second.code === 0,
        `the second kubectl call failed (exit ${second.code}): ${tail(second.output)}`,
      );
      const idpRequests = meter.since(mark);
      check(idpRequests.length === 0, `the second call cost IdP requests: ${describeRequests(idpRequests)}`);
      check(accepted().length === 2, `the API server accepted ${accepted().length} calls, expected 2`);

      // 3. A v1beta1 plugin (non-interactive, cached token) is answered in v1beta1: kubectl refuses another version.
      const beta = await kubectlGet('oidc-v1beta1', false);
      check(beta.code === 0, `the v1beta1 call failed (exit ${beta.code}): ${tail(beta.output)}`);

      // 4. interactive: false and nothing cached: fails, says what to do, opens and prompts nothing.
      const before = meter.mark();
      const refused = await kubectlGet('oidc-not-logged-in', false);
      check(refused.code !== 0, 'kubectl succeeded although nothing was cached and no login was allowed');
      check(
        /oidcflow login/.test(refused.output),
        `no advice to run oidcflow login: ${tail(refused.output)}`,
      );
      check(
        /exit (status|code) 3\b/.test(refused.output),
        `oidcflow did not end with exit code 3: ${tail(refused.output)}`,
      );
      check(driver.opened.length === 1, 'the non-interactive call opened a login page');
      check(
        !/enter the code|user code/i.test(refused.output),
        'the non-interactive call showed a device prompt',
      );
      check(meter.since(before).length === 0, 'the non-interactive call sent requests to the IdP');
      return `kubectl logged in once (user ${username}), then 0 IdP requests; v1beta1 answered; interactive: false → exit 3 with advice`;
    } finally {
      await Promise.all([api.stop(), relay.stop()]);
    }
  },
};

const tail = (text: string) => outputTail(text);

function refusals(requests: readonly { status: number; reason?: string }[]): string {
  return (
    requests.map((request) => `${request.status} ${request.reason ?? ''}`.trim()).join('; ') ||
    'no request reached it'
  );
}
