// Loaded with `node -r` by bench/side-by-side.mjs into every process it times: at exit, writes
// the process's CPU time (user + system, microseconds) to file descriptor 3, a pipe the parent
// reads. CommonJS, so that `-r` loads it before the subject on Node 20 and 24 alike.
process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  try {
    require('node:fs').writeSync(3, `${user + system}\n`);
  } catch {
    // No fd 3 (run by hand): nothing to report to.
  }
});
