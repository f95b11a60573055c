// The examples are third-party plugins: their scenario cells run in matrix.test.ts (loaded by
// module path, as `oidcflow-conformance --plugin` loads them); their declarations run here.
// The root vitest projects do not include examples/*, so their own contract tests run with
// `pnpm --filter @oidcflow-examples/<name> test`.
import type { FlowPlugin, IdpPlugin } from '@oidcflow/core';
import { runFlowContract } from '../src/testing/flow-contract.js';
import { runIdpContract } from '../src/testing/idp-contract.js';

const load = async <T>(name: string) =>
  (
    (await import(new URL(`../../examples/${name}/dist/index.js`, import.meta.url).href)) as {
      createPlugin(): T;
    }
  ).createPlugin();

await runFlowContract(await load<FlowPlugin>('flow-prompt-login'), { scenarios: [] });
await runIdpContract(await load<IdpPlugin>('idp-resource-indicators'), {
  scenarios: [],
  matchingIssuer: 'https://acme.login.example.com/',
});
