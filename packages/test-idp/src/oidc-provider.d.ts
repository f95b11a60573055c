// oidc-provider ships no type declarations; this covers only what this package touches.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface ProviderContext {
    method: string;
    path: string;
    querystring: string;
    req: IncomingMessage;
    status: number;
    body: unknown;
    type: string;
    get(header: string): string;
    set(header: string, value: string): void;
    is(...types: string[]): string | false | null;
    oidc?: {
      route?: string;
      client?: { clientId: string };
      body?: Record<string, unknown>;
      params?: Record<string, unknown>;
    };
  }

  export type ProviderMiddleware = (context: ProviderContext, next: () => Promise<void>) => Promise<void>;

  export interface ProviderClient {
    clientId: string;
    clientAuthMethod: string;
    grantTypeAllowed(grantType: string): boolean;
  }

  /** An access token model (`ClientCredentials`) as a grant handler makes one. */
  export interface ProviderToken {
    scope?: string;
    resourceServer?: unknown;
    readonly expiration: number;
    save(): Promise<string>;
  }

  export class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    readonly issuer: string;
    readonly ClientCredentials: new (fields: {
      client: unknown;
      scope?: string;
    }) => ProviderToken;
    readonly ResourceServer: new (
      identifier: string,
      info: Record<string, unknown>,
    ) => unknown;
    /** `C`: the context as the handler reads it (its grant's parameters, the authenticated client). */
    registerGrantType<C>(
      grantType: string,
      handler: (context: C) => Promise<void>,
      parameters?: readonly string[],
      allowedDuplicateParameters?: readonly string[],
    ): void;
    callback(): (request: IncomingMessage, response: ServerResponse) => void;
    use(middleware: ProviderMiddleware): void;
    on(event: string, listener: (...parameters: never[]) => void): this;
    silent: boolean;
  }

  /** An OAuth error oidc-provider answers with; `error_description` is what the client reads. */
  export type ProviderError = Error & { error_description?: string };

  export const errors: {
    InvalidTarget: new (description?: string) => ProviderError;
    InvalidGrant: new (detail?: string) => ProviderError;
    InvalidRequest: new (description?: string) => ProviderError;
  };

  export default Provider;
}
