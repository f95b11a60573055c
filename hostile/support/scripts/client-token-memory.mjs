// Gets a client-credentials token from a well-behaved endpoint (so every module is loaded),
// then from `hostileEndpoint`, and prints how much the process's peak memory grew meanwhile.
// Usage: node client-token-memory.mjs <issuer> <hostileEndpoint> <cacheDirectory>
import { OidcCredentialsAuth, silentLogger } from '@oidcflow/core';

const [issuer, hostileEndpoint, cachePath] = process.argv.slice(2);
const common = { issuer, clientSecret: 'secret-for-memory-test', cachePath, logger: silentLogger, env: {} };

await new OidcCredentialsAuth({
  ...common,
  clientId: 'warm-up',
  tokenEndpoint: `${issuer}/token-ok`,
}).getAccessToken();
globalThis.gc?.();
const peakBefore = process.resourceUsage().maxRSS * 1024;
const rssBefore = process.memoryUsage().rss;
let outcome;
try {
  await new OidcCredentialsAuth({
    ...common,
    clientId: 'victim',
    tokenEndpoint: hostileEndpoint,
  }).getAccessToken();
  outcome = { ok: true };
} catch (error) {
  outcome = { ok: false, code: error.code, message: error.message };
}
const peakAfter = process.resourceUsage().maxRSS * 1024;
const rssAfter = process.memoryUsage().rss;
process.stdout.write(
  `${JSON.stringify({ ...outcome, peakGrowth: peakAfter - peakBefore, rssGrowth: rssAfter - rssBefore, peakBefore })}\n`,
);
