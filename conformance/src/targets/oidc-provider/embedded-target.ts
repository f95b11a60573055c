import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEVICE_CODE_GRANT_TYPE } from '@oidcflow/core';
import type { CiIdentityIssuer, TestIdp } from '@oidcflow/test-idp';
import { oidcProviderPages } from '../../browser-bridge/oidc-provider-pages.js';
import type { ConformanceTarget, IdpRequest, RunningTarget, ScriptedTokenError } from '../target.js';
import { generateTestCertificates, writeCaFile } from '../tls/test-ca.js';
import { oneClientForAll, TRUSTED_WORKLOADS, withCiIssuer } from '../workload-identity.js';
import { resourceIndicatorsFor } from './resource-indicators.js';

export interface EmbeddedTargetOptions {
  /** Serve HTTPS with a CA and server certificate generated at start. @default false */
  tls?: boolean;
  /**
   * The issuer's path, kept byte for byte (test-idp mounts the provider under it): `'/'` is an
   * issuer ending in a slash, as Auth0's does. @default '' (the origin)
   */
  issuerPath?: string;
  /** The matrix column. @default oidc-provider-http or oidc-provider-https */
  name?: string;
}

function describeTarget(tls: boolean, issuerPath: string): string {
  const where = tls ? 'over HTTPS with a CA generated for this run' : 'over HTTP on 127.0.0.1';
  const issuer = issuerPath ? `, its issuer ending in "${issuerPath}"` : '';
  return `oidc-provider in the harness process, ${where}${issuer}`;
}

function running(
  idp: TestIdp,
  ciIssuer: CiIdentityIssuer,
  name: string,
  tls: boolean,
  caCertPath: string | undefined,
  cleanup: () => Promise<void>,
  description: string,
): RunningTarget {
  const audience = idp.resources[0] ?? 'https://api.example.test';
  const target: RunningTarget = {
    name,
    issuer: idp.issuer,
    clients: {
      auth_code: { clientId: idp.clients.native.clientId, scopes: ['openid', 'profile'] },
      device: { clientId: idp.clients.device.clientId, scopes: ['openid', 'profile'] },
      client_credentials: {
        clientId: idp.clients.ci.clientId,
        clientSecret: idp.clients.ci.clientSecret,
        scopes: [],
      },
    },
    user: { username: idp.user.login, password: idp.user.password },
    pages: oidcProviderPages,
    browserHosts: ['127.0.0.1', 'localhost'],
    capabilities: {
      flows: ['auth_code', 'device', 'client_credentials'],
      refreshTokenRotation: true,
      revocation: true,
      consentDenial: { auth_code: true, device: true },
      audience: {
        audience,
        sentAs: 'resource',
        expectedAud: audience,
        idpPlugin: resourceIndicatorsFor(idp.issuer),
        scopes: ['api:read'],
      },
      customCa: tls,
      dpop: true,
    },
    requestLog: {
      entries: () =>
        idp.requests.list().map((entry) => {
          const request: IdpRequest = { method: entry.method, path: entry.path, at: entry.time };
          if (entry.grantType) request.grantType = entry.grantType;
          return request;
        }),
    },
    tokenScript: {
      scriptDevicePolls(clientId: string, answers: readonly ScriptedTokenError[]) {
        const queue = answers.flatMap((answer) =>
          Array.from({ length: answer.times ?? 1 }, () => ({ status: 400, body: { error: answer.error } })),
        );
        idp.script.tokenResponses(queue, { grantType: DEVICE_CODE_GRANT_TYPE, clientId });
      },
      clear: () => idp.script.clear(),
    },
    // test-idp's RFC 8693 grant (registerGrantType); its JWT bearer grant is Hydra's way here.
    workloadIdentity: {
      ciIssuer,
      way: 'token_exchange',
      audience: idp.issuer,
      apiAudience: audience,
      clients: oneClientForAll(idp.clients.ciWorkload.clientId),
      identity: { claim: 'subject_sub', values: TRUSTED_WORKLOADS },
      unavailable: {
        'narrower-audience':
          "test-idp exchanges a user's token only when it is a JWT for one of its resources, and a login for that resource already has that single audience",
      },
    },
    description,
    stop: async () => {
      await idp.stop();
      await ciIssuer.stop();
      await cleanup();
    },
  };
  if (caCertPath) target.caCertPath = caCertPath;
  return target;
}

/**
 * @oidcflow/test-idp (oidc-provider) started in this process: the target every machine can
 * run. Device polls are scripted here (slow_down, expired_token), which no real IdP allows.
 */
export function embeddedOidcProviderTarget(options: EmbeddedTargetOptions = {}): ConformanceTarget {
  const tls = options.tls ?? false;
  const issuerPath = options.issuerPath ?? '';
  const name = options.name ?? (tls ? 'oidc-provider-https' : 'oidc-provider-http');
  const description = describeTarget(tls, issuerPath);
  return {
    name,
    description,
    async start() {
      // Loaded on start: oidc-provider prints notices when imported, which `--help` should not show.
      const { startTestIdp } = await import('@oidcflow/test-idp');
      return withCiIssuer(async (ciIssuer) => {
        // The workloads every target trusts, bound by subject as a real IdP binds them.
        const workloadIssuer = { ...ciIssuer, subjects: Object.values(TRUSTED_WORKLOADS) };
        if (!tls) {
          const idp = await startTestIdp({
            deviceIntervalSeconds: 1,
            dpop: true,
            workloadIssuer,
            ...(issuerPath ? { issuerPath } : {}),
          });
          return running(idp, ciIssuer, name, false, undefined, async () => {}, description);
        }
        const directory = await mkdtemp(join(tmpdir(), 'oidcflow-conformance-ca-'));
        const certificates = generateTestCertificates(['127.0.0.1', 'localhost']);
        const caCertPath = await writeCaFile(certificates, directory);
        const idp = await startTestIdp({
          deviceIntervalSeconds: 1,
          dpop: true,
          tls: { key: certificates.serverKey, cert: certificates.serverCertificate },
          workloadIssuer,
          ...(issuerPath ? { issuerPath } : {}),
        });
        return running(
          idp,
          ciIssuer,
          name,
          true,
          caCertPath,
          () => rm(directory, { recursive: true, force: true }),
          description,
        );
      });
    },
  };
}
