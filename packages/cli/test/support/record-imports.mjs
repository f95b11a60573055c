// `node --import …/record-imports.mjs`: appends the URL of every module the process resolves to
// the file named by RECORD_IMPORTS_TO, so a test can tell what a command loaded.
import { register } from 'node:module';

register('./record-imports-hooks.mjs', import.meta.url, { data: { logFile: process.env.RECORD_IMPORTS_TO } });
