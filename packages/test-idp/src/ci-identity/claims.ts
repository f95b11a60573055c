/**
 * The claim sets CI platforms put in their workload identity tokens, shaped after their
 * documentation: GitHub Actions ("About security hardening with OpenID Connect"), GitLab CI
 * ("ID token authentication") and Kubernetes (projected service account tokens, `kubernetes.io`
 * private claims). Values are those of a made-up job; tests override what they vary.
 */

/** The job a GitHub-shaped token describes. */
export interface GitHubJob {
  /** `ORG/REPO` @default 'oidcflow-ci/demo' */
  repository?: string;
  /** @default 'refs/heads/main' */
  ref?: string;
  /** The workflow file @default '.github/workflows/ci.yml' */
  workflowPath?: string;
  /** A deployment environment; the subject then names it instead of the ref. */
  environment?: string;
  /** @default 'push' */
  eventName?: string;
  /** @default 'octocat' */
  actor?: string;
}

/** The job a GitLab-shaped token describes. */
export interface GitLabJob {
  /** `GROUP/PROJECT` @default 'oidcflow-ci/demo' */
  projectPath?: string;
  /** A branch or tag name @default 'main' */
  ref?: string;
  /** @default 'branch' */
  refType?: 'branch' | 'tag';
  environment?: string;
  /** @default 'push' */
  pipelineSource?: string;
}

/** The pod and service account a Kubernetes-shaped token describes. */
export interface KubernetesServiceAccount {
  /** @default 'ci' */
  namespace?: string;
  /** @default 'oidcflow-runner' */
  serviceAccount?: string;
  /** @default 'oidcflow-runner-0' */
  pod?: string;
}

/** The workload a SPIFFE JWT-SVID names. */
export interface SpiffeWorkload {
  /** @default 'spiffe://ci.example.test/oidcflow/runner' */
  spiffeId?: string;
}

const SHA = 'c0ffee0000000000000000000000000000000001';

/** A GitHub Actions token's claims (without iss/aud/iat/exp, which the signer adds). */
export function gitHubClaims(job: GitHubJob = {}): Record<string, unknown> {
  const repository = job.repository ?? 'oidcflow-ci/demo';
  const owner = repository.split('/')[0] ?? repository;
  const ref = job.ref ?? 'refs/heads/main';
  const workflowPath = job.workflowPath ?? '.github/workflows/ci.yml';
  const workflowRef = `${repository}/${workflowPath}@${ref}`;
  // GitHub's default subject: the environment when the job has one, else the ref.
  const sub = job.environment
    ? `repo:${repository}:environment:${job.environment}`
    : `repo:${repository}:ref:${ref}`;
  return {
    sub,
    ref,
    sha: SHA,
    repository,
    repository_id: '100000001',
    repository_owner: owner,
    repository_owner_id: '100000000',
    repository_visibility: 'private',
    run_id: '7000000001',
    run_number: '42',
    run_attempt: '1',
    actor: job.actor ?? 'octocat',
    actor_id: '583231',
    workflow: 'CI',
    workflow_ref: workflowRef,
    workflow_sha: SHA,
    job_workflow_ref: workflowRef,
    job_workflow_sha: SHA,
    event_name: job.eventName ?? 'push',
    ref_type: ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    ref_protected: 'true',
    runner_environment: 'github-hosted',
    ...(job.environment ? { environment: job.environment } : {}),
  };
}

/** A GitLab CI `id_tokens:` token's claims. */
export function gitLabClaims(job: GitLabJob = {}): Record<string, unknown> {
  const projectPath = job.projectPath ?? 'oidcflow-ci/demo';
  const namespacePath = projectPath.split('/').slice(0, -1).join('/') || projectPath;
  const ref = job.ref ?? 'main';
  const refType = job.refType ?? 'branch';
  return {
    sub: `project_path:${projectPath}:ref_type:${refType}:ref:${ref}`,
    namespace_id: '200000000',
    namespace_path: namespacePath,
    project_id: '200000001',
    project_path: projectPath,
    project_visibility: 'private',
    user_id: '300000001',
    user_login: 'tanuki',
    user_email: 'tanuki@example.test',
    user_access_level: 'maintainer',
    pipeline_id: '400000001',
    pipeline_source: job.pipelineSource ?? 'push',
    job_id: '500000001',
    ref,
    ref_type: refType,
    ref_path: refType === 'tag' ? `refs/tags/${ref}` : `refs/heads/${ref}`,
    ref_protected: 'true',
    runner_id: 600001,
    runner_environment: 'gitlab-hosted',
    sha: SHA,
    ci_config_ref_uri: `gitlab.example.test/${projectPath}//.gitlab-ci.yml@refs/heads/${ref}`,
    ci_config_sha: SHA,
    ...(job.environment ? { environment: job.environment, environment_protected: 'false' } : {}),
  };
}

/** A projected service account token's claims (the `kubernetes.io` private claim included). */
export function kubernetesClaims(account: KubernetesServiceAccount = {}): Record<string, unknown> {
  const namespace = account.namespace ?? 'ci';
  const serviceAccount = account.serviceAccount ?? 'oidcflow-runner';
  const pod = account.pod ?? 'oidcflow-runner-0';
  return {
    sub: `system:serviceaccount:${namespace}:${serviceAccount}`,
    'kubernetes.io': {
      namespace,
      pod: { name: pod, uid: '6f1c8e7a-0000-4000-8000-000000000001' },
      serviceaccount: { name: serviceAccount, uid: '6f1c8e7a-0000-4000-8000-000000000002' },
    },
  };
}

/** A JWT-SVID's claims: the SPIFFE ID is the subject. */
export function spiffeClaims(workload: SpiffeWorkload = {}): Record<string, unknown> {
  return { sub: workload.spiffeId ?? 'spiffe://ci.example.test/oidcflow/runner' };
}
