import type { FlowFamily } from '../spec/cache.js';
import type { FlowPlugin } from '../spec/flow.js';
import type { SpecificationVersion } from '../spec/version.js';

/** What `defineFlow` needs: the plugin without `kind`, and with the common values optional. */
export interface FlowDefinition
  extends Omit<FlowPlugin, 'kind' | 'specificationVersion' | 'needsBrowser' | 'family'> {
  /** @default false */
  needsBrowser?: boolean;
  /** @default 'user' */
  family?: FlowFamily;
}

/**
 * A flow plugin written for `specificationVersion` (a literal such as `'v2'`, see
 * docs/plugins.md): `kind: 'flow'`, a user flow without a browser unless the definition says.
 */
export function defineFlow(
  specificationVersion: SpecificationVersion,
  definition: FlowDefinition,
): FlowPlugin {
  return { kind: 'flow', specificationVersion, needsBrowser: false, family: 'user', ...definition };
}
