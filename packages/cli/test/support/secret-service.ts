// A throwaway Secret Service for CLI tests: the keyring cache's own script
// (packages/cache-keyring/scripts/with-secret-service.sh: a private D-Bus session, gnome-keyring
// unlocked with a test password in a temporary data directory), kept alive until `stop()`.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(
  new URL('../../../cache-keyring/scripts/with-secret-service.sh', import.meta.url),
);
const START_TIMEOUT_MS = 20_000;

/** Why no Secret Service can be started here; undefined when it can. */
export function secretServiceMissing(): string | undefined {
  if (process.platform !== 'linux') return 'the Secret Service tests run on Linux';
  try {
    execFileSync('sh', ['-c', 'command -v dbus-run-session && command -v gnome-keyring-daemon'], {
      stdio: 'ignore',
    });
    return undefined;
  } catch {
    return 'dbus-run-session or gnome-keyring-daemon not installed (Debian: apt-get install gnome-keyring dbus)';
  }
}

/** OIDCFLOW_REQUIRE names `keyring`: a missing Secret Service fails instead of skipping. */
export const keyringRequired = () => (process.env.OIDCFLOW_REQUIRE ?? '').split(',').includes('keyring');

export interface SecretService {
  /** DBUS_SESSION_BUS_ADDRESS of the session, for the CLI processes. */
  readonly address: string;
  stop(): Promise<void>;
}

export async function startSecretService(): Promise<SecretService> {
  const child: ChildProcess = spawn(
    SCRIPT,
    ['sh', '-c', 'echo "ready $DBUS_SESSION_BUS_ADDRESS"; exec cat >/dev/null'],
    {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      stdio: ['pipe', 'pipe', 'ignore'],
    },
  );
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.stdin?.end();
      setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
    });
  const address = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error('the Secret Service did not start within 20 s')),
      START_TIMEOUT_MS,
    );
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      const ready = /^ready (\S+)$/m.exec(output);
      if (ready) {
        clearTimeout(timer);
        resolve(ready[1] as string);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`with-secret-service.sh exited with ${code}`));
    });
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { address, stop };
}
