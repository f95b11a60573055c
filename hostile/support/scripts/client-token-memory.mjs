// Gets a client-credentials token from a well-behaved endpoint and is refused one 2 MB answer
// (so every module and code path is loaded and compiled), then asks `hostileEndpoint`, and
// prints how much the process's peak memory grew during that last request alone.
// Usage: node client-token-memory.mjs <issuer> <hostileEndpoint> <cacheDirectory>
import { OidcCredentialsAuth, silentLogger } from '@oidcflow/core';

const [issuer, hostileEndpoint, cachePath] = process.argv.slice(2);
const common = { issuer, clientSecret: 'secret-for-memory-test', cachePath, logger: silentLogger, env: {} };

await new OidcCredentialsAuth({
  ...common,
  clientId: 'warm-up',
  tokenEndpoint: `${issuer}/token-ok`,
}).getAccessToken();
await new OidcCredentialsAuth({ ...common, clientId: 'warm-up-2', tokenEndpoint: `${issuer}/token-2mb` })
  .getAccessToken()
  .catch(() => undefined);
const peakBefore = process.resourceUsage().maxRSS * 1024;
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
process.stdout.write(`${JSON.stringify({ ...outcome, peakGrowth: peakAfter - peakBefore, peakBefore })}\n`);
