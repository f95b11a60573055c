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

  export class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    callback(): (request: IncomingMessage, response: ServerResponse) => void;
    use(middleware: ProviderMiddleware): void;
    on(event: string, listener: (...parameters: never[]) => void): this;
    silent: boolean;
  }

  export const errors: {
    InvalidTarget: new (description?: string) => Error;
  };

  export default Provider;
}
