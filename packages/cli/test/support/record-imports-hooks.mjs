import { appendFileSync } from 'node:fs';

let logFile;

export async function initialize(data) {
  logFile = data.logFile;
}

export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  if (logFile) appendFileSync(logFile, `${result.url}\n`);
  return result;
}
