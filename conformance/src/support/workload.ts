import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  OidcCredentialsAuth,
  type OidcCredentialsAuthOptions,
  OidcflowError,
  type TokenSet,
} from '@oidcflow/core';
import type { CellHarness } from '../matrix/cell-harness.js';
import { check, ScenarioFailure } from '../scenarios/scenario-outcome.js';
import type { RunningTarget, TargetClient } from '../targets/target.js';
import type {
  WorkloadCell,
  WorkloadIdentitySupport,
  WorkloadPlatform,
} from '../targets/workload-identity.js';
import { jwtClaims } from './jwt.js';

/** What a workload cell needs at this target; the cell is n/a (with the target's words) without it. */
export function workloadUnavailable(target: RunningTarget, cell: WorkloadCell): string | undefined {
  const support = target.workloadIdentity;
  if (!support) return `${target.name} is not set up to trust a CI identity issuer`;
  return support.unavailable?.[cell];
}

export function workloadSupport(cell: CellHarness): WorkloadIdentitySupport {
  const support = cell.target.workloadIdentity;
  check(support, `${cell.target.name} trusts no CI identity issuer`);
  return support;
}

/** Where the product finds the platform token, as a user would name it. */
export type IdentitySource =
  | { kind: 'github' }
  | { kind: 'gitlab'; variable: string }
  | { kind: 'kubernetes'; path: string }
  | { kind: 'file'; path: string };

/**
 * An OidcCredentialsAuth of the workload under test: the target's client for it (no secret),
 * the identity source, the way the target takes the token and the audience it wants, and the
 * environment of a CI job (only what `env` adds to the cell's own).
 */
export function workloadAuth(
  cell: CellHarness,
  client: TargetClient,
  source: IdentitySource,
  env: Record<string, string> = {},
): OidcCredentialsAuth {
  const support = workloadSupport(cell);
  const options = cell.options({
    clientId: client.clientId,
    scopes: client.scopes,
    env: { ...cell.environment(), ...env },
  });
  // No secret, and the way named outright: the target says how its IdP takes the token.
  const { clientSecret: _none, flow: _flow, ...withoutSecret } = options;
  const workload: OidcCredentialsAuthOptions = {
    ...withoutSecret,
    identitySource: sourceSetting(source),
    identityAudience: support.audience,
    identityUse: support.way,
    ...(support.apiAudience ? { audience: support.apiAudience } : {}),
  };
  return new OidcCredentialsAuth(workload);
}

function sourceSetting(source: IdentitySource): string {
  switch (source.kind) {
    case 'github':
      return 'github';
    case 'gitlab':
      return `gitlab:${source.variable}`;
    case 'kubernetes':
      return `kubernetes:${source.path}`;
    case 'file':
      return `file:${source.path}`;
  }
}

/** A platform token in a file of the cell's directory (0600), as a pod's projected volume holds it. */
export async function tokenFile(cell: CellHarness, name: string, token: string): Promise<string> {
  const path = join(cell.workDir, name);
  await writeFile(path, token, { mode: 0o600 });
  return path;
}

/**
 * Checks that the IdP's access token names `platform`'s workload where this target says it
 * does (`sub` = the platform subject, or `client_id` = the client bound to it).
 */
export function checkIssuedTo(cell: CellHarness, tokens: TokenSet, platform: WorkloadPlatform): string {
  const { identity } = workloadSupport(cell);
  const claims = jwtClaims(tokens.accessToken);
  check(claims, "the IdP's access token is not a JWT, so whom it names cannot be read");
  const expected = identity.values[platform];
  check(
    claims[identity.claim] === expected,
    `the access token's ${identity.claim} is ${String(claims[identity.claim])}, not ${expected}`,
  );
  check(tokens.expiresAt > Date.now(), 'the access token is already expired');
  return `${identity.claim} ${expected}`;
}

/**
 * Runs `grant`, which must be refused; returns what the product said. The refusal must be an
 * OidcflowError, and its message must not carry the platform token.
 */
export async function expectRefused(grant: () => Promise<unknown>, platformToken: string): Promise<string> {
  try {
    await grant();
  } catch (error) {
    if (!OidcflowError.isInstance(error)) {
      throw new ScenarioFailure(`the refusal was not an OidcflowError: ${String(error).split('\n')[0]}`);
    }
    const words = `${error.message} ${JSON.stringify(error)}`;
    check(!words.includes(platformToken), 'the error carries the platform token');
    return `${error.code}: ${firstSentence(error.message)}`;
  }
  throw new ScenarioFailure('the IdP gave a token for it');
}

/** The first sentence of a message (oidcflow quotes the IdP's words there, in parentheses). */
function firstSentence(message: string): string {
  return /^[^\n]*?[.)](?=\s|$)/.exec(message)?.[0] ?? message.split('\n')[0] ?? message;
}
