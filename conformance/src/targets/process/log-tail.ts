import { readFile } from 'node:fs/promises';

const LOG_TAIL_LINES = 30;

/** The last lines of a server's or a build's log, for the error that says it failed. */
export async function logTail(path: string, lines = LOG_TAIL_LINES): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log was written)';
  }
}
