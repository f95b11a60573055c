import { type FlowPlugin, type FlowSupportContext, SPECIFICATION_VERSION } from '@oidcflow/core';
import { DEVICE_CODE_GRANT_TYPE } from '@oidcflow/flow-device';
import { describe, expect, it } from 'vitest';
import { subjectForFlowPlugin } from '../matrix/subjects.js';
import { SCENARIOS } from '../scenarios/index.js';
import type { TargetName } from '../targets/registry.js';
import { declareMatrixTests, type MatrixTestOptions } from './declare-matrix.js';

export interface ContractOptions {
  /** The module that exports the plugin's `createPlugin`, so child processes (the race) can load it. */
  module?: string;
  /** Targets to run the scenarios on. @default ['oidc-provider-http', 'oidc-provider-https'] */
  targets?: readonly TargetName[];
  /** Only these scenarios (by name). @default all that apply */
  scenarios?: readonly string[];
  /** Write matrix.json, .md and .html here. */
  reportDir?: string;
}

/** The matrix options a contract's own options stand for. */
export function scenarioOptions(
  options: ContractOptions,
): Pick<MatrixTestOptions, 'scenarios' | 'reportDir'> {
  return {
    ...(options.scenarios ? { scenarios: SCENARIOS.filter((s) => options.scenarios?.includes(s.name)) } : {}),
    ...(options.reportDir ? { reportDir: options.reportDir } : {}),
  };
}

export const DEFAULT_CONTRACT_TARGETS: readonly TargetName[] = ['oidc-provider-http', 'oidc-provider-https'];

function supportContext(metadata: FlowSupportContext['metadata']): FlowSupportContext {
  return {
    metadata,
    environment: { browserAvailable: true, browserReason: 'test', interactive: false },
    hasClientSecret: true,
    hasPrivateKey: false,
    requestedFlow: 'auto',
  };
}

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
      it('is a flow plugin of this specification version', () => {
        expect(plugin.kind).toBe('flow');
        expect(plugin.specificationVersion).toBe(SPECIFICATION_VERSION);
        expect(typeof plugin.name).toBe('string');
        expect(plugin.name).toMatch(/^[a-z][a-z0-9_-]*$/);
      });
      it('declares needsBrowser, family and priority', () => {
        expect(typeof plugin.needsBrowser).toBe('boolean');
        expect(['user', 'client']).toContain(plugin.family);
        expect(Number.isFinite(plugin.priority)).toBe(true);
        if (plugin.family === 'client') expect(plugin.needsBrowser).toBe(false);
      });
      it('answers supports() with a reason, without a request', () => {
        const full = plugin.supports(supportContext(FULL_METADATA));
        expect(full.supported).toBe(true);
        expect(full.reason.length).toBeGreaterThan(0);
        const bare = plugin.supports(supportContext({ issuer: 'https://idp.example.test' }));
        expect(typeof bare.supported).toBe('boolean');
        expect(bare.reason.length).toBeGreaterThan(0);
      });
      it('has a run function', () => {
        expect(typeof plugin.run).toBe('function');
      });
    });
    // `scenarios: []` runs the declaration checks alone (an empty describe would be an error).
    if (options.scenarios?.length === 0) return;
    describe('scenarios', () => {
      declareMatrixTests({
        subjects: [subject],
        targets: options.targets ?? DEFAULT_CONTRACT_TARGETS,
        ...scenarioOptions(options),
      });
    });
  });
}
