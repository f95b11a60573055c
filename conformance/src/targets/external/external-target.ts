import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type IdpPlugin, SPECIFICATION_VERSION } from '@oidcflow/core';
import { genericPageScript } from '../../browser-bridge/generic-pages.js';
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
  /**
   * Which flows' pages show a consent that can be refused (consent-denied runs there):
   * `1` (every user flow), `0`, a list (`auth_code,device`), or per-flow values
   * (`auth_code=1,device=0`). See consentDenialFromEnv.
   */
  consentDenial: 'OIDCFLOW_EXTERNAL_CONSENT_DENIAL',
  /** Seconds one page-script step may take before the cell fails with what the page shows. @default 8 */
  pageStepSeconds: 'OIDCFLOW_EXTERNAL_PAGE_STEP_SECONDS',
  /** `1` when a refresh returns a new refresh token and retires the old one. */
  refreshRotation: 'OIDCFLOW_EXTERNAL_REFRESH_ROTATION',
} as const;

type UserFlow = 'auth_code' | 'device';
const FLOW_ALIASES: Record<string, UserFlow> = {
  auth_code: 'auth_code',
  authcode: 'auth_code',
  'auth-code': 'auth_code',
  browser: 'auth_code',
  device: 'device',
  device_code: 'device',
};
const YES = /^(1|true|yes|on)$/i;
const NO = /^(0|false|no|off)?$/i;

/**
 * Reads OIDCFLOW_EXTERNAL_CONSENT_DENIAL: `1`/`true` — both user flows' pages can refuse;
 * `0`/unset — none; `auth_code,device` (commas or spaces) — the flows named; `auth_code=1,device=0`
 * — per flow. Throws on a word it does not know (the target then fails to start), so a typo is not a silent "no".
 */
export function consentDenialFromEnv(value: string | undefined): Partial<Record<FlowName, boolean>> {
  const text = (value ?? '').trim();
  if (NO.test(text)) return {};
  if (YES.test(text)) return { auth_code: true, device: true };
  const result: Partial<Record<FlowName, boolean>> = {};
  for (const item of text.split(/[\s,;]+/).filter(Boolean)) {
    const [name = '', setting] = item.split('=');
    const flow = FLOW_ALIASES[name.toLowerCase()];
    if (!flow || (setting !== undefined && !YES.test(setting) && !NO.test(setting)))
      throw new Error(
        `${EXTERNAL_ENV.consentDenial}=${text}: use 1, 0, a list of flows (auth_code,device) or auth_code=1,device=0`,
      );
    result[flow] = setting === undefined || YES.test(setting);
  }
  return result;
}

function words(value: string | undefined, fallback: string[]): string[] {
  const list = (value ?? '').split(/\s+/).filter(Boolean);
  return list.length > 0 ? list : fallback;
}

async function loadPages(
  specifier: string | undefined,
  issuer: string,
  stepSeconds: string | undefined,
): Promise<PageScript> {
  if (!specifier) {
    const seconds = Number(stepSeconds);
    return genericPageScript({
      idpOrigin: new URL(issuer).origin,
      ...(seconds > 0 ? { stepTimeoutMs: seconds * 1000 } : {}),
    });
  }
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
      const consentDenial = consentDenialFromEnv(env[EXTERNAL_ENV.consentDenial]);
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
        pages: await loadPages(env[EXTERNAL_ENV.pages], issuer, env[EXTERNAL_ENV.pageStepSeconds]),
        capabilities: {
          flows,
          refreshTokenRotation: env[EXTERNAL_ENV.refreshRotation] === '1',
          revocation: typeof metadata.revocation_endpoint === 'string',
          consentDenial,
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
