import { spawn } from 'node:child_process';
import { access, readFile } from 'node:fs/promises';
import { parseIdpUrl } from '../config/url-policy.js';
import { ErrorCode } from '../errors/codes.js';
import { OidcflowError } from '../errors/oidcflow-error.js';
import type {
  IdentitySourceContext,
  IdentitySourcePlugin,
  IdentitySourceProbe,
} from '../spec/identity-source.js';
import { SPECIFICATION_VERSION } from '../spec/version.js';

/** A platform token is a JWT of a few KB; anything larger is not one. */
const MAX_TOKEN_BYTES = 64 * 1024;
/** Seconds a `command:` source may take. */
const COMMAND_TIMEOUT_SECONDS = 30;
/** The variable GitLab CI sets an `id_tokens:` token in when the setting names none. */
const DEFAULT_GITLAB_VARIABLE = 'OIDCFLOW_ID_TOKEN';
/** Where Kubernetes mounts a pod's service account token unless a projected volume says otherwise. */
const DEFAULT_KUBERNETES_TOKEN_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/token';

function unavailable(source: string, message: string, cause?: unknown): OidcflowError {
  return new OidcflowError(
    ErrorCode.IDENTITY_SOURCE_UNAVAILABLE,
    `The ${source} identity source gave no token: ${message}`,
    cause === undefined ? {} : { cause },
  );
}

async function readTokenFile(source: string, path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw unavailable(
      source,
      `the file ${path} cannot be read (${code}). Check the volume or variable that should provide it.`,
      error,
    );
  }
  if (text.length > MAX_TOKEN_BYTES)
    throw unavailable(source, `the file ${path} is larger than a token can be.`);
  return text.trim();
}

async function fileExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

type SourceParts = Pick<IdentitySourcePlugin, 'name' | 'detect' | 'read'>;

function source(parts: SourceParts): IdentitySourcePlugin {
  return { kind: 'identity-source', specificationVersion: SPECIFICATION_VERSION, ...parts };
}

/** A source that reads the file a variable names (Azure, AWS): the platform rotates it. */
function fileFromVariable(name: string, variable: string, platform: string): IdentitySourcePlugin {
  return source({
    name,
    detect: ({ env }) =>
      env[variable]
        ? { present: true, reason: `${variable} is set (${platform})` }
        : { present: false, reason: `${variable} is not set` },
    read: async ({ env }) => {
      const path = env[variable];
      if (!path) throw unavailable(name, `${variable} is not set; this is not a ${platform} workload.`);
      return readTokenFile(name, path);
    },
  });
}

/**
 * GitHub Actions: the job asks `ACTIONS_ID_TOKEN_REQUEST_URL` (with `&audience=`) for a token,
 * with `ACTIONS_ID_TOKEN_REQUEST_TOKEN` as bearer; GitHub sets both only for a job with
 * `permissions: id-token: write`. The answer is `{ "value": "<jwt>" }`.
 */
const github = source({
  name: 'github',
  detect: ({ env }) => {
    if (env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN)
      return {
        present: true,
        reason: 'ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are set (GitHub Actions)',
      };
    if (env.GITHUB_ACTIONS === 'true')
      return {
        present: false,
        reason:
          'GITHUB_ACTIONS is set but ACTIONS_ID_TOKEN_REQUEST_URL is not: give the job `permissions: id-token: write`',
      };
    return { present: false, reason: 'ACTIONS_ID_TOKEN_REQUEST_URL is not set (not a GitHub Actions job)' };
  },
  read: async ({ env, audience, fetch, signal }: IdentitySourceContext) => {
    const requestUrl = env.ACTIONS_ID_TOKEN_REQUEST_URL;
    const requestToken = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
    if (!requestUrl || !requestToken) {
      throw unavailable(
        'github',
        'ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not both set. Give the job `permissions: id-token: write`.',
      );
    }
    const url = parseIdpUrl(requestUrl, 'ACTIONS_ID_TOKEN_REQUEST_URL', false);
    url.searchParams.set('audience', audience);
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { authorization: `Bearer ${requestToken}`, accept: 'application/json' },
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      if (OidcflowError.isInstance(error)) throw error;
      throw unavailable(
        'github',
        `the token request to ${url.origin} failed (${(error as Error).message}).`,
        error,
      );
    }
    const text = await response.text();
    if (!response.ok) {
      throw unavailable(
        'github',
        `the token request to ${url.origin} answered HTTP ${response.status}. The request token is only valid while the job runs; check the job's id-token permission.`,
      );
    }
    let value: unknown;
    try {
      value = (JSON.parse(text) as { value?: unknown }).value;
    } catch {
      value = undefined;
    }
    if (typeof value !== 'string' || value === '')
      throw unavailable('github', `the answer of ${url.origin} has no "value" with a token.`);
    return value;
  },
});

/** GitLab CI: an `id_tokens:` entry puts its token in a variable of the job's choosing. */
const gitlab = source({
  name: 'gitlab',
  detect: ({ env, argument }: IdentitySourceProbe) => {
    const variable = argument || DEFAULT_GITLAB_VARIABLE;
    if (!env.GITLAB_CI) return { present: false, reason: 'GITLAB_CI is not set (not a GitLab CI job)' };
    return env[variable]
      ? { present: true, reason: `GITLAB_CI and ${variable} are set (GitLab CI id_tokens)` }
      : {
          present: false,
          reason: `GITLAB_CI is set but ${variable} is not: declare it under id_tokens: in .gitlab-ci.yml (or name yours with gitlab:VARIABLE)`,
        };
  },
  read: async ({ env, argument }) => {
    const variable = argument || DEFAULT_GITLAB_VARIABLE;
    const value = env[variable]?.trim();
    if (!value) {
      throw unavailable(
        'gitlab',
        `${variable} is not set. Declare it in the job: id_tokens: { ${variable}: { aud: <the IdP's audience> } } (or name your variable with gitlab:VARIABLE).`,
      );
    }
    return value;
  },
});

/** Kubernetes: the service account token file (a projected volume's path as the argument). */
const kubernetes = source({
  name: 'kubernetes',
  detect: async ({ env, argument }) => {
    const path = argument || DEFAULT_KUBERNETES_TOKEN_FILE;
    if (!env.KUBERNETES_SERVICE_HOST && !argument)
      return { present: false, reason: 'KUBERNETES_SERVICE_HOST is not set (not in a pod)' };
    return (await fileExists(path))
      ? { present: true, reason: `the service account token ${path} exists` }
      : {
          present: false,
          reason: `no service account token at ${path} (mount a projected token, name its path with kubernetes:PATH)`,
        };
  },
  read: async ({ argument }) => readTokenFile('kubernetes', argument || DEFAULT_KUBERNETES_TOKEN_FILE),
});

/** A SPIFFE JWT-SVID that spiffe-helper (or an agent sidecar) keeps in a file. */
const spiffe = source({
  name: 'spiffe',
  detect: async ({ argument }) => {
    if (!argument) return { present: false, reason: 'no JWT-SVID file named (use spiffe:PATH)' };
    return (await fileExists(argument))
      ? { present: true, reason: `the JWT-SVID file ${argument} exists` }
      : { present: false, reason: `no JWT-SVID file at ${argument}` };
  },
  read: async ({ argument }) => {
    if (!argument)
      throw unavailable(
        'spiffe',
        "name the JWT-SVID file: spiffe:PATH (spiffe-helper's jwt_svid_file_name).",
      );
    return readTokenFile('spiffe', argument);
  },
});

const file = source({
  name: 'file',
  detect: async ({ argument }) =>
    argument && (await fileExists(argument))
      ? { present: true, reason: `the file ${argument} exists` }
      : { present: false, reason: argument ? `no file at ${argument}` : 'no file named (use file:PATH)' },
  read: async ({ argument }) => {
    if (!argument) throw unavailable('file', 'name the file: file:PATH.');
    return readTokenFile('file', argument);
  },
});

const environmentVariable = source({
  name: 'env',
  detect: ({ env, argument }) =>
    argument && env[argument]
      ? { present: true, reason: `${argument} is set` }
      : { present: false, reason: argument ? `${argument} is not set` : 'no variable named (use env:NAME)' },
  read: async ({ env, argument }) => {
    const value = argument ? env[argument]?.trim() : undefined;
    if (!value)
      throw unavailable('env', argument ? `${argument} is not set.` : 'name the variable: env:NAME.');
    return value;
  },
});

/** The standard output of a command run by the shell (a helper that fetches the token). */
const command = source({
  name: 'command',
  detect: ({ argument }) =>
    argument
      ? { present: true, reason: 'a command is given' }
      : { present: false, reason: 'no command given (use command:COMMAND)' },
  read: ({ argument, env, signal }) =>
    new Promise<string>((resolve, reject) => {
      if (!argument) {
        reject(unavailable('command', 'give the command: command:COMMAND.'));
        return;
      }
      const child = spawn(argument, {
        shell: true,
        env: env as NodeJS.ProcessEnv,
        // Its own complaints go to our stderr, so a failing helper explains itself.
        stdio: ['ignore', 'pipe', 'inherit'],
        timeout: COMMAND_TIMEOUT_SECONDS * 1000,
        ...(signal ? { signal } : {}),
      });
      const chunks: Buffer[] = [];
      let size = 0;
      child.stdout.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_TOKEN_BYTES) child.kill();
        else chunks.push(chunk);
      });
      child.on('error', (error) =>
        reject(unavailable('command', `the command could not run (${error.message}).`, error)),
      );
      child.on('close', (code, signalName) => {
        if (size > MAX_TOKEN_BYTES)
          reject(unavailable('command', 'the command printed more than a token can be.'));
        else if (code !== 0)
          reject(
            unavailable(
              'command',
              signalName
                ? `the command was stopped (${signalName}; it may have run past ${COMMAND_TIMEOUT_SECONDS} s).`
                : `the command exited with status ${code}.`,
            ),
          );
        else resolve(Buffer.concat(chunks).toString('utf8').trim());
      });
    }),
});

/**
 * The sources core knows, in the order `auto` tries them: the CI platforms first (their token
 * is made for this job), then the cloud platforms' files, then the pod's service account token
 * (a pod on AKS or EKS has both; the cloud's file is the one configured for federation). The
 * SPIFFE and generic sources are never found by `auto` without a setting naming them.
 */
export const BUILTIN_IDENTITY_SOURCES: readonly IdentitySourcePlugin[] = [
  github,
  gitlab,
  fileFromVariable('azure', 'AZURE_FEDERATED_TOKEN_FILE', 'Azure workload identity'),
  fileFromVariable('aws', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS web identity (EKS, IRSA)'),
  kubernetes,
  spiffe,
  file,
  environmentVariable,
  command,
];

/** Sources that `auto` tries (those that need a setting to say where to read are left out). */
export const AUTO_SOURCE_NAMES: readonly string[] = ['github', 'gitlab', 'azure', 'aws', 'kubernetes'];
