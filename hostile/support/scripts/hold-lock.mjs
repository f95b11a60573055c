// Takes the file cache's lock for one key and holds it until killed; prints "locked" once held.
// Usage: node hold-lock.mjs <cacheDirectory>
import { createFileCache } from '@oidcflow/cache-file';
import { cacheKeyFor } from '@oidcflow/core';

const [cachePath] = process.argv.slice(2);
const cache = createFileCache({ cachePath, lockStaleSeconds: 1, lockHeartbeatSeconds: 0.2 });
const key = cacheKeyFor({
  issuer: 'https://idp.example',
  clientId: 'cli',
  scopes: ['openid'],
  family: 'user',
});
await cache.withLock(key, async () => {
  process.stdout.write('locked\n');
  await new Promise(() => setInterval(() => {}, 1000));
});
