import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ConformanceTarget, groupAlive, TargetUnavailable } from '@oidcflow/conformance/targets';
import { listenOnLoopback } from '@oidcflow/test-idp';
import {
  type KeycloakInstance,
  type KeycloakTargetOptions,
  type OwnedKeycloak,
  type RunningKeycloak,
  runningKeycloak,
  startKeycloakInstance,
  trustWorkloads,
} from './keycloak-target.js';
import { KEYCLOAK_VERSION } from './version.js';

/**
 * One Keycloak for a whole test run, shared by the test files (vitest runs them in separate
 * worker processes). The test run's main process owns a small loopback "broker": the first
 * file that asks starts Keycloak (lazily, so a run without Keycloak tests starts none), later
 * ones get the same instance, and the broker stops it when the run ends. Process-group
 * tracking (targets/process/process-group.ts) kills it on Ctrl-C or when the main process dies.
 */

/** What the broker answers; `starts` counts the Keycloak starts of this broker (the proof of "once"). */
export type SharedKeycloakState = { starts: number; borrowers: number } & (
  | { state: 'starting' }
  | { state: 'ready'; instance: KeycloakInstance }
  | { state: 'unavailable'; reason: string }
  | { state: 'failed'; reason: string }
);

/** The one Keycloak of a test run, lent to test files by URL; `stop` ends it. */
export interface KeycloakBroker {
  /** http://127.0.0.1:<port>/<random>: hand it to the test files (vitest `provide`). */
  url: string;
  /** Stops Keycloak if it was started, checks that it is gone, and closes the broker. */
  stop(): Promise<void>;
}

export interface KeycloakBrokerOptions extends KeycloakTargetOptions {
  /** One line per event (start, ready, stop). @default nothing */
  log?: (line: string) => void;
}

/** Starts the broker (not Keycloak: that waits for the first borrower). */
export async function startKeycloakBroker(options: KeycloakBrokerOptions = {}): Promise<KeycloakBroker> {
  const log = options.log ?? (() => {});
  const secretPath = `/${randomBytes(16).toString('hex')}`;
  let starts = 0;
  let borrowers = 0;
  let owned: OwnedKeycloak | undefined;
  let starting: Promise<void> | undefined;
  let outcome: SharedKeycloakState | undefined;

  const state = (): SharedKeycloakState =>
    outcome ? { ...outcome, starts, borrowers } : { state: 'starting', starts, borrowers };

  const startOnce = () => {
    starting ??= (async () => {
      starts += 1;
      const startedAt = Date.now();
      log(`keycloak (shared by this test run): starting, start #${starts}`);
      try {
        const { log: _log, ...targetOptions } = options;
        owned = await startKeycloakInstance(targetOptions);
        outcome = { state: 'ready', instance: owned.instance, starts, borrowers };
        log(
          `keycloak (shared by this test run): ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s — ${owned.instance.description}`,
        );
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        outcome =
          error instanceof TargetUnavailable
            ? { state: 'unavailable', reason, starts, borrowers }
            : { state: 'failed', reason, starts, borrowers };
        log(`keycloak (shared by this test run): ${outcome.state} — ${reason.split('\n')[0]}`);
      }
    })();
  };

  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const acquire = url.pathname === `${secretPath}/acquire` && request.method === 'POST';
    // `state` only looks: it never starts Keycloak.
    const look = url.pathname === `${secretPath}/state` && request.method === 'GET';
    if (!acquire && !look) {
      response.writeHead(404).end();
      return;
    }
    if (acquire) {
      if (url.searchParams.get('first') === '1') borrowers += 1;
      startOnce();
    }
    const answer = look && !starting ? { state: 'not started', starts, borrowers } : state();
    // No keep-alive: a poll on a connection the server is closing would end in ECONNRESET.
    response
      .writeHead(200, { 'content-type': 'application/json', connection: 'close' })
      .end(JSON.stringify(answer));
  });
  const listening = await listenOnLoopback(server);

  let stopped: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${listening.port}${secretPath}`,
    stop: () => {
      stopped ??= (async () => {
        await listening.close();
        await starting;
        if (!owned) {
          log(
            `keycloak (shared by this test run): ${starts === 0 ? 'not needed, never started' : 'did not run'}`,
          );
          return;
        }
        await owned.stop();
        await checkGone(owned.instance);
        log(
          `keycloak (shared by this test run): stopped; started ${starts} time(s) for ${borrowers} borrower(s)`,
        );
      })();
      return stopped;
    },
  };
}

/** After stop(): the port refuses connections and no process of its group is left, else throws. */
async function checkGone(instance: KeycloakInstance): Promise<void> {
  const { port } = new URL(instance.baseUrl);
  const refused = await new Promise<boolean>((resolve) => {
    const socket = connect(Number(port), '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
  if (!refused) throw new Error(`the shared Keycloak still listens on ${instance.baseUrl} after stop`);
  if (instance.processGroupId !== undefined && groupAlive(instance.processGroupId))
    throw new Error(`the shared Keycloak's process group ${instance.processGroupId} survived stop`);
}

export interface BorrowOptions {
  /** The realm user the pages log in as (test files that run beside the matrix use another one). */
  username?: string;
  /** Bound on waiting for the shared start (download included). @default 15 minutes */
  timeoutMs?: number;
  /**
   * Make the realm trust a CI identity issuer of this borrower (the workload cells). One
   * borrower per run: a second one would replace the first one's issuer. @default false
   */
  workloads?: boolean;
}

/**
 * The broker's answer once Keycloak is ready, unavailable or failed (polling every 500 ms,
 * bounded). `first` counts this caller as a borrower.
 */
export async function acquireSharedKeycloak(
  brokerUrl: string,
  options: { timeoutMs?: number } = {},
): Promise<SharedKeycloakState> {
  const timeoutMs = options.timeoutMs ?? 15 * 60_000;
  const deadline = Date.now() + timeoutMs;
  let first = true;
  for (;;) {
    const response = await askBroker(`${brokerUrl}/acquire${first ? '?first=1' : ''}`, 'POST');
    first = false;
    const state = (await response.json()) as SharedKeycloakState;
    if (state.state !== 'starting') return state;
    if (Date.now() > deadline)
      throw new Error(`the shared Keycloak was not ready within ${Math.round(timeoutMs / 1000)} s`);
    await sleep(500);
  }
}

/** One request to the broker; a failed connection is tried again (3 times, 1 s apart). */
async function askBroker(url: string, method: 'GET' | 'POST'): Promise<Response> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const response = await fetch(url, { method, signal: AbortSignal.timeout(10_000) });
      if (!response.ok) throw new Error(`the Keycloak broker answered HTTP ${response.status}`);
      return response;
    } catch (error) {
      if (attempt >= 3 || (error instanceof Error && error.message.startsWith('the Keycloak broker')))
        throw error;
      await sleep(1_000);
    }
  }
}

/** What the broker says now, without starting anything (`state` is 'not started' before the first borrower). */
export async function sharedKeycloakState(
  brokerUrl: string,
): Promise<SharedKeycloakState | { state: 'not started'; starts: number; borrowers: number }> {
  const response = await askBroker(`${brokerUrl}/state`, 'GET');
  return (await response.json()) as SharedKeycloakState;
}

/**
 * The `keycloak` target backed by the run's shared instance: `start()` borrows it (throwing
 * `TargetUnavailable` where Keycloak cannot run), `stop()` leaves it running for the others.
 */
export function sharedKeycloakTarget(brokerUrl: string, options: BorrowOptions = {}): ConformanceTarget {
  return {
    name: 'keycloak',
    description: `Keycloak ${KEYCLOAK_VERSION}, one instance shared by this test run`,
    async start(): Promise<RunningKeycloak> {
      const state = await acquireSharedKeycloak(brokerUrl, options);
      if (state.state === 'unavailable') throw new TargetUnavailable(state.reason, 'keycloak');
      if (state.state === 'failed') throw new Error(`the shared Keycloak did not start: ${state.reason}`);
      if (state.state !== 'ready') throw new Error('the shared Keycloak is still starting');
      return runningKeycloak(
        { ...state.instance, description: `${state.instance.description}, shared by this test run` },
        {
          stop: async () => {},
          ...(options.workloads ? { workloadIdentity: await trustWorkloads(state.instance) } : {}),
          ...(options.username ? { username: options.username } : {}),
        },
      );
    },
  };
}
