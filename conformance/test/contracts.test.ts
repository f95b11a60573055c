// Every first-party plugin runs its contract. The scenario half of the flow contracts runs in
// matrix.test.ts (on every target, each started once), so here only the declarations run.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileCache } from '@oidcflow/cache-file';
import { createPlugin as createAuthCodeFlow } from '@oidcflow/flow-authcode';
import { createPlugin as createClientCredentialsFlow } from '@oidcflow/flow-credentials';
import { createPlugin as createDeviceFlow } from '@oidcflow/flow-device';
import { runCacheContract } from '../src/testing/cache-contract.js';
import { runFlowContract } from '../src/testing/flow-contract.js';

for (const plugin of [createAuthCodeFlow(), createDeviceFlow(), createClientCredentialsFlow()])
  await runFlowContract(plugin, { scenarios: [] });

const directories: string[] = [];
runCacheContract('@oidcflow/cache-file', {
  async create() {
    const directory = await mkdtemp(join(tmpdir(), 'oidcflow-cache-contract-'));
    directories.push(directory);
    return createFileCache({ cachePath: directory });
  },
  createPeer: (cache) =>
    createFileCache({ cachePath: (cache as ReturnType<typeof createFileCache>).directory }),
  async dispose() {
    for (const directory of directories.splice(0)) await rm(directory, { recursive: true, force: true });
  },
  abortableLock: true,
});
