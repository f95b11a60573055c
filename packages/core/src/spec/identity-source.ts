import type { SpecificationVersion } from './version.js';

/** What an identity source's `detect` sees: no request, only the setting and the environment. */
export interface IdentitySourceProbe {
  /** What follows the source's name in the setting (`file:PATH` → `PATH`); absent without one. */
  argument?: string;
  env: Readonly<Record<string, string | undefined>>;
}

/** What an identity source's `read` gets. */
export interface IdentitySourceContext extends IdentitySourceProbe {
  /**
   * The audience the IdP expects in the platform token. A source that asks the platform for
   * its token (GitHub Actions) asks for this one; one that reads a file cannot choose.
   */
  audience: string;
  /** Core's HTTP client (CA bundle, proxy, deadline, size limit): use it for any request. */
  fetch: typeof globalThis.fetch;
  signal?: AbortSignal;
}

/** Whether a source's signs are present here, and why (shown by `explain`). */
export interface IdentitySourceDetection {
  present: boolean;
  reason: string;
}

/**
 * An identity source: where a workload's platform token comes from (a CI job's OIDC token, a
 * pod's projected service account token). Core asks `read` for a fresh token before every
 * grant that spends one, checks that it is an unexpired JWT, and never caches, logs or prints
 * it: a source must not either.
 */
export interface IdentitySourcePlugin {
  readonly kind: 'identity-source';
  readonly specificationVersion: SpecificationVersion;
  /** The name the `identitySource` setting uses (`github`, or a third party's). */
  readonly name: string;
  /**
   * Whether the signs of this platform are present (variables, files). `auto` reads from the
   * first source, in order, whose signs are; `explain` shows every reason. No request here.
   */
  detect(probe: IdentitySourceProbe): IdentitySourceDetection | Promise<IdentitySourceDetection>;
  /** The platform token, read now. Throw an `OidcflowError` that says what to fix. */
  read(context: IdentitySourceContext): Promise<string>;
}
