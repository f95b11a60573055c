import type { FlowPlugin, FlowSupportContext } from '@oidcflow/core';
import { DEVICE_CODE_GRANT_TYPE } from '@oidcflow/core';
import { describe, expect, it } from 'vitest';
import { subjectForFlowPlugin } from '../matrix/subjects.js';
import { type ContractOptions, describeContractScenarios, itDeclaresItsKind } from './contract.js';

/** What `supports()` is asked with, but the metadata: a browser, no terminal, a client secret. */
const SUPPORT_CONTEXT: Omit<FlowSupportContext, 'metadata'> = {
  environment: { browserAvailable: true, browserReason: 'test', interactive: false },
  hasClientSecret: true,
  hasPrivateKey: false,
  requestedFlow: 'auto',
};

const FULL_METADATA = {
  issuer: 'https://idp.example.test',
  authorization_endpoint: 'https://idp.example.test/authorize',
  token_endpoint: 'https://idp.example.test/token',
  device_authorization_endpoint: 'https://idp.example.test/device',
  grant_types_supported: [
    'authorization_code',
    'refresh_token',
    'client_credentials',
    DEVICE_CODE_GRANT_TYPE,
  ],
};

/**
 * The flow plugin contract, as a vitest suite: the plugin's declaration, then every
 * conformance scenario of its kind against the embedded IdPs (with a real browser for
 * interactive flows). In a test file:
 *
 * ```ts
 * import { runFlowContract } from '@oidcflow/conformance/testing';
 * import { createPlugin } from '../src/index.js';
 * await runFlowContract(createPlugin(), { module: new URL('../dist/index.js', import.meta.url).href });
 * ```
 */
export async function runFlowContract(plugin: FlowPlugin, options: ContractOptions = {}): Promise<void> {
  const subject = await subjectForFlowPlugin(plugin, options.module ? { module: options.module } : {});
  describe(`flow plugin contract: ${plugin.name}`, () => {
    describe('declaration', () => {
      itDeclaresItsKind(plugin, 'flow', 'a flow plugin', /^[a-z][a-z0-9_-]*$/);
      it('declares needsBrowser, family and priority', () => {
        expect(typeof plugin.needsBrowser).toBe('boolean');
        expect(['user', 'client']).toContain(plugin.family);
        expect(Number.isFinite(plugin.priority)).toBe(true);
        if (plugin.family === 'client') expect(plugin.needsBrowser).toBe(false);
      });
      it('answers supports() with a reason, without a request', () => {
        const full = plugin.supports({ ...SUPPORT_CONTEXT, metadata: FULL_METADATA });
        expect(full.supported).toBe(true);
        expect(full.reason.length).toBeGreaterThan(0);
        const bare = plugin.supports({
          ...SUPPORT_CONTEXT,
          metadata: { issuer: 'https://idp.example.test' },
        });
        expect(typeof bare.supported).toBe('boolean');
        expect(bare.reason.length).toBeGreaterThan(0);
      });
      it('has a run function', () => {
        expect(typeof plugin.run).toBe('function');
      });
    });
    describeContractScenarios('scenarios', [subject], options);
  });
}
