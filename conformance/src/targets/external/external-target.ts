import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type IdpPlugin, SPECIFICATION_VERSION } from '@oidcflow/core';
import { genericPages } from '../../browser-bridge/generic-pages.js';
import type { PageScript } from '../../browser-bridge/page-script.js';
import { fetchDiscovery } from '../../support/raw-http.js';
import type { ConformanceTarget, FlowName, RunningTarget, TargetClient } from '../target.js';
import { TargetUnavailable } from '../target.js';

/**
 * The environment variables that describe an external IdP. Only the issuer is required; a
 * flow runs when its client id is set.
 */
export const EXTERNAL_ENV = {
  issuer: 'OIDCFLOW_EXTERNAL_ISSUER',
  authCodeClientId: 'OIDCFLOW_EXTERNAL_AUTHCODE_CLIENT_ID',
  deviceClientId: 'OIDCFLOW_EXTERNAL_DEVICE_CLIENT_ID',
  credentialsClientId: 'OIDCFLOW_EXTERNAL_CREDENTIALS_CLIENT_ID',
  credentialsClientSecret: 'OIDCFLOW_EXTERNAL_CREDENTIALS_CLIENT_SECRET',
  /** Space-separated scopes for the user flows. @default 'openid offline_access' */
  scopes: 'OIDCFLOW_EXTERNAL_SCOPES',
  /** Space-separated scopes for client credentials. @default none */
  credentialsScopes: 'OIDCFLOW_EXTERNAL_CREDENTIALS_SCOPES',
  username: 'OIDCFLOW_EXTERNAL_USERNAME',
  password: 'OIDCFLOW_EXTERNAL_PASSWORD',
  /** The audience scenario runs when set. */
  audience: 'OIDCFLOW_EXTERNAL_AUDIENCE',
  /** How the IdP takes the audience: `audience` (Auth0), `resource` (RFC 8707) or `mapper`. @default 'audience' */
  audienceParameter: 'OIDCFLOW_EXTERNAL_AUDIENCE_PARAMETER',
  /** PEM of a private CA that signed the IdP's certificate: the custom-CA scenario runs. */
  caCertPath: 'OIDCFLOW_EXTERNAL_CA_CERT_PATH',
  /** A module whose default export is a PageScript for the IdP's pages. @default a generic script */
  pages: 'OIDCFLOW_EXTERNAL_PAGES',
  /** `1` when the consent page can be refused (consent-denied runs). */
  consentDenial: 'OIDCFLOW_EXTERNAL_CONSENT_DENIAL',
  /** `1` when a refresh returns a new refresh token and retires the old one. */
  refreshRotation: 'OIDCFLOW_EXTERNAL_REFRESH_ROTATION',
} as const;

function words(value: string | undefined, fallback: string[]): string[] {
  const list = (value ?? '').split(/\s+/).filter(Boolean);
  return list.length > 0 ? list : fallback;
}

async function loadPages(specifier: string | undefined, issuer: string): Promise<PageScript> {
  if (!specifier) return genericPages(new URL(issuer).origin);
  const url =
    isAbsolute(specifier) || specifier.startsWith('.') ? pathToFileURL(resolve(specifier)).href : specifier;
  const module = (await import(url)) as { default?: PageScript; pages?: PageScript };
  const pages = module.default ?? module.pages;
  if (!pages || typeof pages.completeLogin !== 'function') {
    throw new TargetUnavailable(
      `${EXTERNAL_ENV.pages}=${specifier} exports no PageScript (default export with completeLogin and completeDeviceVerification)`,
      'external',
    );
  }
  return pages;
}

function audiencePlugin(issuer: string, sentAs: 'audience' | 'resource'): IdpPlugin {
  return {
    kind: 'idp',
    specificationVersion: SPECIFICATION_VERSION,
    name: `external-${sentAs}`,
    matches: (input) => input.issuer === issuer,
    audienceParameter: sentAs,
  };
}

/**
 * An IdP the pipeline already has (Auth0, Entra ID, Okta, a company Keycloak), described by
 * OIDCFLOW_EXTERNAL_* variables. Skipped, with the reason, when they are not set.
 */
export function externalTarget(env: NodeJS.ProcessEnv = process.env): ConformanceTarget {
  return {
    name: 'external',
    description: env[EXTERNAL_ENV.issuer]
      ? `external IdP ${env[EXTERNAL_ENV.issuer]}`
      : `an external IdP described by ${EXTERNAL_ENV.issuer} and friends`,
    async start(): Promise<RunningTarget> {
      const issuer = env[EXTERNAL_ENV.issuer];
      if (!issuer) {
        throw new TargetUnavailable(
          `${EXTERNAL_ENV.issuer} is not set (see docs/plugins.md, "Running the scenarios against your IdP")`,
          'external',
        );
      }
      const caCertPath = env[EXTERNAL_ENV.caCertPath];
      const metadata = await fetchDiscovery(issuer, caCertPath).catch((error: unknown) => {
        throw new TargetUnavailable(
          `discovery at ${issuer} failed: ${(error as Error).message}`,
          'external',
          {
            cause: error,
          },
        );
      });
      const scopes = words(env[EXTERNAL_ENV.scopes], ['openid', 'offline_access']);
      const clients: Partial<Record<FlowName, TargetClient>> = {};
      const flows: FlowName[] = [];
      if (env[EXTERNAL_ENV.authCodeClientId]) {
        clients.auth_code = { clientId: env[EXTERNAL_ENV.authCodeClientId] as string, scopes };
        flows.push('auth_code');
      }
      if (env[EXTERNAL_ENV.deviceClientId]) {
        clients.device = { clientId: env[EXTERNAL_ENV.deviceClientId] as string, scopes };
        flows.push('device');
      }
      if (env[EXTERNAL_ENV.credentialsClientId] && env[EXTERNAL_ENV.credentialsClientSecret]) {
        clients.client_credentials = {
          clientId: env[EXTERNAL_ENV.credentialsClientId] as string,
          clientSecret: env[EXTERNAL_ENV.credentialsClientSecret] as string,
          scopes: words(env[EXTERNAL_ENV.credentialsScopes], []),
        };
        flows.push('client_credentials');
      }
      const audience = env[EXTERNAL_ENV.audience];
      const sentAs = (env[EXTERNAL_ENV.audienceParameter] ?? 'audience') as
        | 'audience'
        | 'resource'
        | 'mapper';
      const target: RunningTarget = {
        name: 'external',
        issuer,
        clients,
        user: { username: env[EXTERNAL_ENV.username] ?? '', password: env[EXTERNAL_ENV.password] ?? '' },
        pages: await loadPages(env[EXTERNAL_ENV.pages], issuer),
        capabilities: {
          flows,
          refreshTokenRotation: env[EXTERNAL_ENV.refreshRotation] === '1',
          revocation: typeof metadata.revocation_endpoint === 'string',
          consentDenial: env[EXTERNAL_ENV.consentDenial] === '1' ? { auth_code: true, device: true } : {},
          customCa: Boolean(caCertPath),
          deviceScriptUnavailable: 'a real IdP cannot be told to answer slow_down or expired_token on demand',
          ...(audience
            ? {
                audience: {
                  audience,
                  sentAs,
                  expectedAud: audience,
                  ...(sentAs === 'mapper' ? {} : { idpPlugin: audiencePlugin(issuer, sentAs) }),
                },
              }
            : {}),
        },
        description: `external IdP ${issuer}`,
        stop: async () => {},
      };
      if (caCertPath) target.caCertPath = caCertPath;
      return target;
    },
  };
}
