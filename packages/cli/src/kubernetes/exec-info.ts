import { CliError } from '../cli-error.js';
import { ExitCode } from '../exit-codes.js';
import {
  EXEC_CREDENTIAL_API_VERSION,
  EXEC_CREDENTIAL_API_VERSIONS,
  type ExecCredentialApiVersion,
} from '../output/token-formats.js';

/** What kubectl tells an exec credential plugin about the call, in `KUBERNETES_EXEC_INFO`. */
export interface ExecInfo {
  /** The version to answer in: the one kubectl asked for. */
  apiVersion: ExecCredentialApiVersion;
  /**
   * False when kubectl has no terminal to lend (`interactiveMode: Never`, or `IfAvailable`
   * without a terminal): then no browser opens and no prompt is shown.
   */
  interactive: boolean;
}

function isSupported(version: unknown): version is ExecCredentialApiVersion {
  return (EXEC_CREDENTIAL_API_VERSIONS as readonly unknown[]).includes(version);
}

/**
 * Reads `KUBERNETES_EXEC_INFO` (kubectl sets it for every exec plugin call since 1.22). Without
 * it — run by hand, or by an old kubectl — the answer is v1 and a login may prompt.
 */
export function readExecInfo(env: NodeJS.ProcessEnv): ExecInfo {
  const raw = env.KUBERNETES_EXEC_INFO;
  if (!raw) return { apiVersion: EXEC_CREDENTIAL_API_VERSION, interactive: true };
  let info: { apiVersion?: unknown; spec?: { interactive?: unknown } };
  try {
    info = JSON.parse(raw) as typeof info;
  } catch {
    throw new CliError(
      'KUBERNETES_EXEC_INFO is not JSON; it is set by kubectl for exec plugins, so unset it when running oidcflow by hand.',
      ExitCode.CONFIGURATION,
    );
  }
  if (!isSupported(info.apiVersion)) {
    throw new CliError(
      `kubectl asked for an ExecCredential of apiVersion ${JSON.stringify(info.apiVersion)}; oidcflow answers ${EXEC_CREDENTIAL_API_VERSIONS.join(' and ')}. Set one of them as the apiVersion of the kubeconfig's exec entry.`,
      ExitCode.CONFIGURATION,
    );
  }
  return { apiVersion: info.apiVersion, interactive: info.spec?.interactive !== false };
}
