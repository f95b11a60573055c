import type { IdpPlugin, IdpRequestContext } from '@oidcflow/core';
import { describe, expect, it } from 'vitest';
import type { FirstPartyFlow } from '../matrix/subject.js';
import { subjectsForIdpPlugin } from '../matrix/subjects.js';
import { type ContractOptions, describeContractScenarios, itDeclaresItsKind } from './contract.js';

export interface IdpContractOptions extends ContractOptions {
  /** An issuer of the IdP the plugin is for: `matches` must say yes to it. */
  matchingIssuer?: string;
  /** An issuer it must not claim. @default 'https://unrelated-idp.example.test' */
  otherIssuer?: string;
  /** First-party flows to run the scenarios with. @default ['auth_code', 'client_credentials'] */
  withFlows?: readonly FirstPartyFlow[];
}

const AUDIENCE_STYLES = ['audience', 'resource', 'both', 'none'];
const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'];

function requestContext(flow: string): IdpRequestContext {
  return {
    issuer: 'https://idp.example.test',
    clientId: 'contract-cli',
    scopes: ['openid'],
    audience: 'https://api.example.test',
    flow,
  };
}

function expectParameters(value: unknown): void {
  expect(value).toBeTypeOf('object');
  for (const [name, entry] of Object.entries(value as Record<string, unknown>)) {
    expect(name.length).toBeGreaterThan(0);
    const values = Array.isArray(entry) ? entry : [entry];
    for (const item of values) expect(typeof item).toBe('string');
  }
}

/**
 * The IdP plugin contract, as a vitest suite: its data and hooks are well formed, then the
 * scenarios that an IdP plugin changes (login, refresh, audience) run with it against the
 * embedded IdPs, for each first-party flow in `withFlows`.
 *
 * ```ts
 * import { runIdpContract } from '@oidcflow/conformance/testing';
 * await runIdpContract(myIdpPlugin, { matchingIssuer: 'https://tenant.idp.example' });
 * ```
 */
export async function runIdpContract(plugin: IdpPlugin, options: IdpContractOptions = {}): Promise<void> {
  const subjects = await subjectsForIdpPlugin(plugin, {
    ...(options.module ? { module: options.module } : {}),
    ...(options.withFlows ? { withFlows: options.withFlows } : {}),
  });
  describe(`IdP plugin contract: ${plugin.name}`, () => {
    describe('declaration', () => {
      // Any name that is not empty.
      itDeclaresItsKind(plugin, 'idp', 'an IdP plugin', /./);
      it('matches its own IdP and not another', () => {
        const other = options.otherIssuer ?? 'https://unrelated-idp.example.test';
        expect(plugin.matches({ issuer: other })).toBe(false);
        if (options.matchingIssuer) expect(plugin.matches({ issuer: options.matchingIssuer })).toBe(true);
      });
      it('says how the audience is sent with a known value', () => {
        if (plugin.audienceParameter !== undefined)
          expect(AUDIENCE_STYLES).toContain(plugin.audienceParameter);
        for (const flag of [plugin.requiresAudience, plugin.requiresClientSecret])
          if (flag !== undefined) expect(typeof flag).toBe('boolean');
      });
      it('returns parameter maps of strings from its hooks', () => {
        for (const flow of ['auth_code', 'device', 'client_credentials']) {
          if (plugin.authorizationParameters)
            expectParameters(plugin.authorizationParameters(requestContext(flow)));
          if (plugin.tokenParameters) expectParameters(plugin.tokenParameters(requestContext(flow)));
        }
      });
      it('names a known client authentication, if it insists on one', () => {
        if (plugin.tokenEndpointAuthMethod !== undefined)
          expect(CLIENT_AUTH_METHODS).toContain(plugin.tokenEndpointAuthMethod);
      });
      it('leaves an RFC 8628 device authorization response usable when it adjusts one', () => {
        if (!plugin.adjustDeviceAuthorizationResponse) return;
        const conform = {
          device_code: 'contract-device-code',
          user_code: 'ABCD-EFGH',
          verification_uri: 'https://idp.example.test/device',
          expires_in: 600,
          interval: 5,
        };
        const adjusted = plugin.adjustDeviceAuthorizationResponse({ ...conform });
        expect(adjusted).toMatchObject({
          device_code: conform.device_code,
          user_code: conform.user_code,
          verification_uri: conform.verification_uri,
        });
      });
      it('keeps the issuer when it adjusts metadata', () => {
        if (!plugin.adjustMetadata) return;
        const issuer = options.matchingIssuer ?? 'https://idp.example.test';
        const adjusted = plugin.adjustMetadata({ issuer, token_endpoint: `${issuer}/token` });
        expect(adjusted.issuer).toBe(issuer);
      });
    });
    describeContractScenarios('scenarios', subjects, options);
  });
}
