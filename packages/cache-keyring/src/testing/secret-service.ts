import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The test keyring's password: a throwaway login keyring in a temporary HOME. */
const TEST_KEYRING_PASSWORD = 'oidcflow-test-keyring';
const START_TIMEOUT_MS = 15_000;

const installed = (command: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/** Why no Secret Service can be started here; undefined when it can. */
export function secretServiceMissing(): string | undefined {
  if (process.platform !== 'linux') return 'the Secret Service tests run on Linux';
  const missing = ['dbus-run-session', 'gnome-keyring-daemon'].filter((command) => !installed(command));
  return missing.length > 0
    ? `${missing.join(' and ')} not installed (Debian: apt-get install gnome-keyring dbus libsecret-1-0)`
    : undefined;
}

/** Why `keyctl` of the kernel keyring (the keyutils package) cannot be used here; undefined when it can. */
export function keyutilsMissing(): string | undefined {
  if (process.platform !== 'linux') return 'the kernel keyring is Linux only';
  return installed('keyctl') ? undefined : 'keyctl not installed (Debian: apt-get install keyutils)';
}

/** Whether OIDCFLOW_REQUIRE names `keyring` (then a missing Secret Service fails instead of skipping). */
export const keyringRequired = () => (process.env.OIDCFLOW_REQUIRE ?? '').split(',').includes('keyring');

/** A running test Secret Service: its session's environment, and how to end it. */
export interface SecretService {
  /** The environment of the session: give it to child processes (DBUS_SESSION_BUS_ADDRESS). */
  readonly env: NodeJS.ProcessEnv;
  /** Ends gnome-keyring-daemon and the D-Bus session, and removes the temporary HOME. */
  stop(): Promise<void>;
}

/**
 * A private D-Bus session (`dbus-run-session`) with gnome-keyring-daemon's Secret Service,
 * its login keyring created and unlocked with a test password given on stdin, in a
 * temporary HOME so no real keyring is touched. The session lives until `stop()`: its shell
 * waits on stdin, which `stop()` closes.
 */
export async function startSecretService(): Promise<SecretService> {
  const home = await mkdtemp(join(tmpdir(), 'oidcflow-keyring-home-'));
  const script = [
    `printf %s "$KEYRING_PASSWORD" | gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>&1 &`,
    'keyring=$!',
    // Ready when the Secret Service name is owned on the bus (bounded: 100 × 0.1 s).
    'i=0; until dbus-send --session --print-reply --dest=org.freedesktop.DBus / org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q true; do i=$((i+1)); [ $i -gt 100 ] && exit 3; sleep 0.1; done',
    'echo "ready $DBUS_SESSION_BUS_ADDRESS"',
    'cat >/dev/null',
    'kill $keyring 2>/dev/null; wait $keyring 2>/dev/null',
  ].join('\n');
  const env = {
    ...process.env,
    HOME: home,
    XDG_DATA_HOME: join(home, 'data'),
    XDG_RUNTIME_DIR: home,
    XDG_CONFIG_HOME: join(home, 'config'),
    KEYRING_PASSWORD: TEST_KEYRING_PASSWORD,
  };
  const session: ChildProcess = spawn('dbus-run-session', ['--', 'sh', '-c', script], {
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  session.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const ended = new Promise<void>((resolve) => session.once('exit', () => resolve()));
  const stop = async () => {
    session.stdin?.end();
    const timer = setTimeout(() => session.kill('SIGKILL'), 5_000);
    await ended;
    clearTimeout(timer);
    await rm(home, { recursive: true, force: true });
  };
  try {
    const address = await new Promise<string>((resolve, reject) => {
      let stdout = '';
      const timer = setTimeout(
        () => reject(new Error(`no Secret Service after ${START_TIMEOUT_MS} ms: ${stderr}`)),
        START_TIMEOUT_MS,
      );
      session.stdout?.on('data', (chunk) => {
        stdout += String(chunk);
        const match = /^ready (\S+)$/m.exec(stdout);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      session.once('exit', (code) => {
        clearTimeout(timer);
        reject(
          new Error(`the D-Bus session ended (exit ${code}) before the Secret Service answered: ${stderr}`),
        );
      });
    });
    const { KEYRING_PASSWORD: _password, ...sessionEnv } = env;
    return { env: { ...sessionEnv, DBUS_SESSION_BUS_ADDRESS: address }, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Runs the tests of this process inside a Secret Service session: the keyring binding reads
 * DBUS_SESSION_BUS_ADDRESS from the process environment. Restores it on `stop()`.
 */
export async function useSecretServiceInThisProcess(): Promise<SecretService> {
  const service = await startSecretService();
  const previous = process.env.DBUS_SESSION_BUS_ADDRESS;
  process.env.DBUS_SESSION_BUS_ADDRESS = service.env.DBUS_SESSION_BUS_ADDRESS;
  return {
    env: service.env,
    async stop() {
      if (previous === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS;
      else process.env.DBUS_SESSION_BUS_ADDRESS = previous;
      await service.stop();
    },
  };
}

/** What libdbus reads to find a session bus: the address, `$XDG_RUNTIME_DIR/bus`, X11 autolaunch. */
const BUS_VARIABLES = ['DBUS_SESSION_BUS_ADDRESS', 'XDG_RUNTIME_DIR', 'DISPLAY'] as const;

/**
 * Runs `body` in this process as if there were no D-Bus session (SSH, CI, a container):
 * without DBUS_SESSION_BUS_ADDRESS, without XDG_RUNTIME_DIR (libdbus connects to a socket at
 * `$XDG_RUNTIME_DIR/bus` when the address is unset: a desktop's systemd user bus), and without
 * DISPLAY. Restores them afterwards.
 */
export async function withoutDbusSession<T>(body: () => Promise<T>): Promise<T> {
  const saved = BUS_VARIABLES.map((name) => [name, process.env[name]] as const);
  for (const name of BUS_VARIABLES) delete process.env[name];
  try {
    return await body();
  } finally {
    for (const [name, value] of saved) if (value !== undefined) process.env[name] = value;
  }
}
