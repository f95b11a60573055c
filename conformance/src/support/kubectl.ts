import { writeFile } from 'node:fs/promises';
import { findExecutable, shellQuote } from './executables.js';
import { runTool, type ToolRun } from './run-tool.js';

export type ExecApiVersion = 'client.authentication.k8s.io/v1' | 'client.authentication.k8s.io/v1beta1';

/** One kubeconfig user whose credentials come from an exec plugin, with a context of the same name. */
export interface ExecUser {
  name: string;
  apiVersion: ExecApiVersion;
  command: string;
  args: readonly string[];
  env: Readonly<Record<string, string>>;
  /** `IfAvailable`: interactive when kubectl has a terminal; `Never`: never. */
  interactiveMode: 'IfAvailable' | 'Never';
}

/** Writes a kubeconfig (JSON, which kubectl reads like YAML) for one cluster and these users. */
export async function writeKubeconfig(
  path: string,
  cluster: { server: string; caCertPath: string },
  users: readonly ExecUser[],
): Promise<void> {
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name: 'oidc-test', cluster: { server: cluster.server, 'certificate-authority': cluster.caCertPath } },
    ],
    users: users.map((user) => ({
      name: user.name,
      user: {
        exec: {
          apiVersion: user.apiVersion,
          command: user.command,
          args: [...user.args],
          env: Object.entries(user.env).map(([name, value]) => ({ name, value })),
          interactiveMode: user.interactiveMode,
          provideClusterInfo: false,
        },
      },
    })),
    contexts: users.map((user) => ({ name: user.name, context: { cluster: 'oidc-test', user: user.name } })),
    'current-context': users[0]?.name ?? '',
  };
  await writeFile(path, JSON.stringify(config, null, 2), { mode: 0o600 });
}

export interface KubectlOptions {
  kubeconfig: string;
  context: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  /**
   * Run under a pseudo-terminal (util-linux `script`), as a person at a terminal does: kubectl
   * then tells the plugin the call is interactive.
   */
  terminal: boolean;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Called with the output so far whenever more arrives. */
  onOutput?: (output: string) => void;
}

/** Why kubectl (or `script` for a terminal) cannot run here, or undefined when both are found. */
export function kubectlUnavailable(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (!findExecutable('kubectl', env)) return 'kubectl is not on PATH';
  if (!findExecutable('script', env)) return 'script (util-linux), for a terminal, is not on PATH';
  return undefined;
}

/** Runs the real kubectl; under a terminal its output is one stream. */
export function runKubectl(options: KubectlOptions): Promise<ToolRun> {
  const kubectl = findExecutable('kubectl', options.env) ?? 'kubectl';
  const argv = [kubectl, '--kubeconfig', options.kubeconfig, '--context', options.context, ...options.args];
  const shared = {
    env: options.env,
    timeoutMs: options.timeoutMs,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onOutput ? { onOutput: options.onOutput } : {}),
  };
  return options.terminal
    ? runTool({ command: 'script', args: ['-qec', argv.map(shellQuote).join(' '), '/dev/null'], ...shared })
    : runTool({ command: kubectl, args: argv.slice(1), ...shared });
}
