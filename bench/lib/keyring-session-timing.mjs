// Runs inside a desktop-like session made by bench/keyring-binary.bench.mjs: a private D-Bus
// session with gnome-keyring's Secret Service (packages/cache-keyring/scripts/with-secret-service.sh)
// and a session keyring of its own (`keyctl session -`, as pam_keyinit gives a login). Times the
// subjects given as JSON in argv[2] ({ name: { argv, env } }) interleaved, after warm-up rounds
// (the first keyring hit makes the kernel keyring copy; the executable unpacks its binding once),
// and prints { name: [ms, ...] } on one marked line. Every subject must exit 0. A second line
// has each subject's mean CPU time (user + system) per run, for machines too loaded for wall
// times to compare: the children's CPU time this process has waited for (/proc/self/stat's
// cutime and cstime, in clock ticks of 10 ms, so a mean over the rounds, not a median).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { interleave } from './stats.mjs';

/** CPU ms of the children waited for so far (Linux: USER_HZ is 100 for every architecture's ABI). */
function childrenCpuMs() {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  // The fields after the command name in parentheses; cutime and cstime are fields 16 and 17.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

const { subjects, rounds, warmup } = JSON.parse(process.argv[2]);
const sessionBus = process.env.DBUS_SESSION_BUS_ADDRESS ?? '';
const timers = {};
/** name → CPU ms of each run, warm-up rounds included (each subject runs once per round). */
const cpu = {};
for (const [name, { argv, env, withSessionBus }] of Object.entries(subjects)) {
  const environment = { ...env, ...(withSessionBus ? { DBUS_SESSION_BUS_ADDRESS: sessionBus } : {}) };
  cpu[name] = [];
  timers[name] = () => {
    const cpuBefore = childrenCpuMs();
    const start = performance.now();
    const result = spawnSync(argv[0], argv.slice(1), {
      env: environment,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const elapsed = performance.now() - start;
    cpu[name].push(childrenCpuMs() - cpuBefore);
    if (result.status !== 0) throw new Error(`${name} exited with ${result.status}: ${result.stderr}`);
    return elapsed;
  };
}
const measured = await interleave(timers, { rounds, warmup });
const meanCpu = Object.fromEntries(
  Object.entries(cpu).map(([name, runs]) => {
    const counted = runs.slice(warmup);
    return [name, counted.reduce((sum, value) => sum + value, 0) / counted.length];
  }),
);
process.stdout.write(`OIDCFLOW_SESSION_TIMES ${JSON.stringify(measured)}\n`);
process.stdout.write(`OIDCFLOW_SESSION_CPU ${JSON.stringify(meanCpu)}\n`);
