#!/usr/bin/env node
// A stand-in for the user's browser, run through BROWSER as any browser command would be:
// `BROWSER="node …/fake-browser.mjs" oidcflow login`. It signs in at the test IdP as the test
// user, then requests the redirect back to oidcflow's loopback listener, like a browser does.
// Failures go to the log file given as its first argument, when there is one (the opener runs
// it detached, without a terminal, and passes it no test variable).
import { appendFileSync } from 'node:fs';
import { completeAuthorizationWithoutBrowser, TEST_USER } from '@oidcflow/test-idp';

const [log, url] = process.argv.length > 3 ? process.argv.slice(2) : [undefined, process.argv[2]];
try {
  if (!url) throw new Error('no URL given');
  const callback = await completeAuthorizationWithoutBrowser(url, TEST_USER);
  const response = await fetch(callback);
  await response.text();
} catch (error) {
  if (log) appendFileSync(log, `${String(error)}\n`);
  process.exitCode = 1;
}
