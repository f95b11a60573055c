import type { CachePlugin } from '../spec/cache.js';
import type { SpecificationVersion } from '../spec/version.js';

/** What `defineCache` needs: the plugin without `kind` (get, set, delete, and any capability). */
export type CacheDefinition = Omit<CachePlugin, 'kind' | 'specificationVersion'>;

/**
 * A cache plugin written for `specificationVersion` (a literal such as `'v2'`, see
 * docs/plugins.md): `kind: 'cache'` and the definition as given, so a cache's own extras (a
 * `directory`, a lock) keep their types. The counterpart of `defineFlow`.
 */
export function defineCache<Definition extends CacheDefinition>(
  specificationVersion: SpecificationVersion,
  definition: Definition,
): NoInfer<Definition> & Pick<CachePlugin, 'kind' | 'specificationVersion'> {
  return { kind: 'cache', specificationVersion, ...definition };
}
