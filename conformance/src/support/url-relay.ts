import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { listenOnLoopback } from '@oidcflow/test-idp';

/**
 * The user's browser for an oidcflow started by another program (kubectl, git): a `BROWSER`
 * command that hands each URL over HTTP to this process, where a Playwright page opens it.
 * The URL goes through the same opener a user's browser command does.
 */
export interface UrlRelay {
  /** The value for `BROWSER`. */
  browserCommand: string;
  stop(): Promise<void>;
}

// The relay's address is written into the script, not passed in a variable: oidcflow gives a
// browser command only the environment a browser needs (nor as an argument: BROWSER splits at ':').
const script = (
  relayUrl: string,
) => `// Written by the conformance harness: passes the URL to open to the harness.
const url = process.argv[2];
const response = await fetch(${JSON.stringify(relayUrl)}, { method: 'POST', body: url });
process.exitCode = response.ok ? 0 : 1;
`;

export async function startUrlRelay(directory: string, open: (url: string) => void): Promise<UrlRelay> {
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => {
      response.writeHead(body.startsWith('http') ? 204 : 400).end();
      if (body.startsWith('http')) open(body);
    });
  });
  const { port, close } = await listenOnLoopback(server);
  const file = join(directory, 'url-relay-browser.mjs');
  await writeFile(file, script(`http://127.0.0.1:${port}/open`), { mode: 0o700 });
  return {
    browserCommand: `${process.execPath} ${file}`,
    stop: close,
  };
}
