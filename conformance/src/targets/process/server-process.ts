import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { openidConfigurationUrl } from '@oidcflow/core';
import { logTail } from './log-tail.js';
import { stopGroup, trackGroup } from './process-group.js';

/** How to start a target's server process and know when it is ready. */
export interface ServerProcessOptions {
  /** Who the errors name, e.g. "Hydra" or "the Spring Authorization Server". */
  name: string;
  command: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  /** The server's own directory, holding `logPath`; removed when it stops. */
  runDirectory: string;
  /** @default runDirectory */
  cwd?: string;
  /** stdout and stderr go here, never to a pipe whose reader could die first. */
  logPath: string;
  /** Polled every 250 ms until true: the server serves what the target needs. */
  ready(): Promise<boolean>;
  startupTimeoutMs: number;
  /** Added after "was not ready within N s", e.g. " (on Java 17)". */
  timeoutHint?: string;
}

/** A server started in its own process group; `stop()` ends the group and removes its directory. */
export interface ServerProcess {
  processGroupId: number;
  stop(): Promise<void>;
}

const READY_POLL_MS = 250;

/**
 * Starts a server in its own process group (so a kill of this process or `stop()` ends all of
 * it), logging to a file, and waits until `ready()` says so, it exits, or the time is up; the
 * errors end with the last lines of its log. On failure nothing is left running or on disk.
 */
export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  let child: ChildProcess | undefined;
  const cleanUp = async () => {
    if (child?.pid !== undefined) await stopGroup(child.pid);
    await rm(options.runDirectory, { recursive: true, force: true });
  };
  try {
    const logFile = openSync(options.logPath, 'w', 0o600);
    try {
      child = spawn(options.command, options.args, {
        cwd: options.cwd ?? options.runDirectory,
        env: options.env,
        detached: true,
        stdio: ['ignore', logFile, logFile],
      });
    } finally {
      closeSync(logFile);
    }
    const groupId = child.pid;
    if (groupId === undefined) throw new Error(`${options.command} could not be started (no pid)`);
    trackGroup(groupId, options.runDirectory);
    let exitedWith: string | undefined;
    child.on('exit', (code, signal) => {
      exitedWith = signal ?? `exit code ${code}`;
    });
    child.on('error', (error) => {
      exitedWith = error.message;
    });

    const deadline = Date.now() + options.startupTimeoutMs;
    while (!(await options.ready())) {
      if (exitedWith !== undefined) {
        throw new Error(
          `${options.name} exited during startup (${exitedWith}); last lines of its log:\n${await logTail(options.logPath)}`,
        );
      }
      if (Date.now() > deadline) {
        throw new Error(
          `${options.name} was not ready within ${Math.round(options.startupTimeoutMs / 1000)} s${options.timeoutHint ?? ''}; last lines of its log:\n${await logTail(options.logPath)}`,
        );
      }
      await sleep(READY_POLL_MS);
    }
    let stopped: Promise<void> | undefined;
    return {
      processGroupId: groupId,
      stop: () => {
        stopped ??= cleanUp();
        return stopped;
      },
    };
  } catch (error) {
    await cleanUp().catch(() => {});
    throw error;
  }
}

/** The server answers its discovery document with 200. */
export function discoveryServed(issuer: string): Promise<boolean> {
  return answers200(openidConfigurationUrl(issuer), 5_000);
}

/** A health endpoint (Keycloak's management port, Hydra's admin port) says ready. */
export function healthReady(baseUrl: string): Promise<boolean> {
  return answers200(`${baseUrl}/health/ready`, 2_000);
}

async function answers200(url: string, timeoutMs: number): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}

/**
 * The caller's environment without the variables `excluded` names (those the server would
 * read as its configuration), plus `settings`: a server started for a test does the same
 * whatever the caller has set.
 */
export function serverEnvironment(
  excluded: (name: string) => boolean,
  settings: Record<string, string>,
): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!excluded(name)) environment[name] = value;
  }
  return { ...environment, ...settings };
}
