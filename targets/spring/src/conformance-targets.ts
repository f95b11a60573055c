import type { TargetPackage } from '@oidcflow/conformance/targets';
import { prepareSpring } from './prepare-spring.js';
import { springTarget } from './spring-target.js';

/** The targets and `prepare-<target>` commands this package adds to oidcflow-conformance. */
export const conformanceTargets: TargetPackage = {
  targets: {
    spring: () => springTarget(),
  },
  prepareCommands: {
    'prepare-spring': {
      usage: `Usage: oidcflow-conformance prepare-spring [--cache-dir <dir>]

Builds the Spring Authorization Server of targets/spring/spring-as with Maven (Spring from Maven
Central into ~/.m2) into the cache (OIDCFLOW_SPRING_CACHE, else ~/.cache/oidcflow/spring-as),
keyed by a hash of its sources. A second call with the same sources does nothing.
`,
      prepare: async ({ cacheDirectory }) => {
        const report = await prepareSpring(cacheDirectory ? { cacheDirectory } : {});
        const how = report.built
          ? `built in ${(report.buildMs / 1000).toFixed(1)} s on Java ${report.javaVersion}`
          : 'already built';
        return `The Spring Authorization Server is ready in ${report.jarPath} (${how}).`;
      },
    },
  },
};
