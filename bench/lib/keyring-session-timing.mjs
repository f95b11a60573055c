// Runs inside a desktop-like session made by bench/keyring-binary.bench.mjs: a private D-Bus
// session with gnome-keyring's Secret Service (packages/cache-keyring/scripts/with-secret-service.sh)
// and a session keyring of its own (`keyctl session -`, as pam_keyinit gives a login). Times the
// subjects given as JSON in argv[2] ({ name: { argv, env } }) interleaved, after warm-up rounds
// (the first keyring hit makes the kernel keyring copy; the executable unpacks its binding once),
// and prints { name: [ms, ...] } on one marked line. Every subject must exit 0.
import { spawnSync } from 'node:child_process';
import { interleave } from './stats.mjs';

const { subjects, rounds, warmup } = JSON.parse(process.argv[2]);
const sessionBus = process.env.DBUS_SESSION_BUS_ADDRESS ?? '';
const timers = {};
for (const [name, { argv, env, withSessionBus }] of Object.entries(subjects)) {
  const environment = { ...env, ...(withSessionBus ? { DBUS_SESSION_BUS_ADDRESS: sessionBus } : {}) };
  timers[name] = () => {
    const start = performance.now();
    const result = spawnSync(argv[0], argv.slice(1), {
      env: environment,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const elapsed = performance.now() - start;
    if (result.status !== 0) throw new Error(`${name} exited with ${result.status}: ${result.stderr}`);
    return elapsed;
  };
}
const measured = await interleave(timers, { rounds, warmup });
process.stdout.write(`OIDCFLOW_SESSION_TIMES ${JSON.stringify(measured)}\n`);
