// `node --require …/record-builtins.cjs`: at exit, writes the built-in modules the process
// loaded (process.moduleLoadList, Node's internal modules too) to the file named by
// RECORD_BUILTINS_TO, so a test can tell which built-ins a command compiled. CommonJS on
// purpose: an `--import` preload starts the ES module loader early, which itself loads
// internal/fs/promises.
const { writeFileSync } = require('node:fs');

const logFile = process.env.RECORD_BUILTINS_TO;
if (logFile) process.on('exit', () => writeFileSync(logFile, process.moduleLoadList.join('\n')));
