import { DEFAULTS, type OidcAuthOptions } from '../config/options.js';
import { AuthBase } from './auth-base.js';

type OptionName = keyof OidcAuthOptions;
type Fallbacks = { readonly [K in OptionName]?: OidcAuthOptions[K] };

/**
 * The attributes `names` as a class shows them: the option's type, without `undefined` where
 * `F` has a fallback for it (`callbackPort: number`, `redirectUri: string | undefined`).
 */
export type Attributes<Names extends OptionName, F extends Fallbacks> = {
  readonly [P in Names]: P extends keyof F ? Exclude<OidcAuthOptions[P], undefined> : OidcAuthOptions[P];
};

/** The common attributes of both classes, and what each reads when its option was not given. */
const COMMON_ATTRIBUTES = [
  'issuer',
  'clientId',
  'scopes',
  'audience',
  'useServerAudience',
  'caCertPath',
  'cachePath',
  'tokenEndpoint',
  'deviceAuthorizationEndpoint',
] as const;
const COMMON_FALLBACKS = { issuer: '', clientId: '', useServerAudience: DEFAULTS.useServerAudience } as const;

/** The settings `OidcAuth` and `OidcCredentialsAuth` both read back, defined once. */
export interface AuthWithSettings
  extends Attributes<(typeof COMMON_ATTRIBUTES)[number], typeof COMMON_FALLBACKS> {}

export abstract class AuthWithSettings extends AuthBase {
  static {
    AuthWithSettings.defineAttributes(AuthWithSettings, COMMON_ATTRIBUTES, COMMON_FALLBACKS);
  }

  /**
   * Defines the spec's attributes on a class's prototype: each reads back its option as given,
   * else its fallback (undefined where it has none). The one getter behind every attribute of
   * `OidcAuth` and `OidcCredentialsAuth`; each class declares their types with `Attributes`.
   */
  protected static defineAttributes(
    target: { prototype: AuthWithSettings },
    names: readonly OptionName[],
    fallbacks: Fallbacks,
  ): void {
    for (const name of names) {
      const fallback = fallbacks[name];
      Object.defineProperty(target.prototype, name, {
        configurable: true,
        get(this: AuthWithSettings) {
          return this.options[name] ?? fallback;
        },
      });
    }
  }
}
