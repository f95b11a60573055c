import { randomBytes } from 'node:crypto';
import type { ProgressOutput } from '@oidcflow/conformance/targets';
import {
  type ConformanceTarget,
  completeServerCapabilities,
  oneClientForAll,
  type RunningTarget,
  requireJavaRuntime,
  TRUSTED_WORKLOADS,
  withCiIssuer,
} from '@oidcflow/conformance/targets';
import { buildSpringServer } from './build.js';
import { SPRING_BOOT_VERSION, SPRING_SECURITY_VERSION } from './project.js';
import { type SpringServerSettings, startSpringServer } from './server.js';
import { springPages } from './spring-pages.js';

/** How `springTarget` finds or builds the server and reports progress. */
export interface SpringTargetOptions {
  /** @default OIDCFLOW_SPRING_CACHE, else ~/.cache/oidcflow/spring-as */
  cacheDirectory?: string;
  /** Bound on the server's start. @default 120 000 */
  startupTimeoutMs?: number;
  /** Where the first build says what it does. @default process.stderr */
  output?: ProgressOutput;
}

/** The running target, with what the Spring tests also want to know. */
export interface RunningSpring extends RunningTarget {
  /** http://127.0.0.1:<port> (the issuer too) */
  baseUrl: string;
  /** java's process group, gone once stop() resolves. */
  processGroupId: number;
  /** The jar was built by this start (false: taken from the cache). */
  built: boolean;
}

/** The clients the server registers, by flow. */
export const SPRING_CLIENTS = {
  authCode: 'oidcflow-cli',
  device: 'oidcflow-device',
  service: 'oidcflow-service',
  /** Public, token exchange only: a workload's platform token is its whole credential. */
  workload: 'oidcflow-workload',
  /** Not a client: the API that every access token is also for (a token customizer adds it to aud). */
  api: 'oidcflow-api',
} as const;

/** The server's test user. */
export const SPRING_USERNAME = 'alice';

const NAME = 'Spring Authorization Server';

/**
 * Spring Authorization Server (Spring Security 7 on Spring Boot 4) as a conformance target: the
 * small server in targets/spring/spring-as, built with Maven on first use into a cache outside the
 * repository and run on the newest local JDK 17+, with a PKCE auth code client and a device
 * client (public, rotating refresh tokens), a confidential client-credentials client, and a
 * test user whose password is made per start. `start()` throws `TargetUnavailable` (cause
 * 'spring') when it cannot be built or run here.
 */
export function springTarget(options: SpringTargetOptions = {}): ConformanceTarget {
  return {
    name: 'spring',
    description: `${NAME} (Spring Security ${SPRING_SECURITY_VERSION}, Spring Boot ${SPRING_BOOT_VERSION}; built with Maven on first use)`,
    start: () => startSpringTarget(options),
  };
}

async function startSpringTarget(options: SpringTargetOptions): Promise<RunningSpring> {
  const java = await requireJavaRuntime(`the ${NAME}`, 'set JAVA_HOME', 'spring');
  const built = await buildSpringServer({
    java,
    ...(options.cacheDirectory ? { cacheDirectory: options.cacheDirectory } : {}),
    ...(options.output ? { output: options.output } : {}),
  });
  // The CI identity issuer must listen before the server starts: its URL is a start setting.
  const { ciIssuer, settings, server } = await withCiIssuer(async (ciIssuer) => {
    const settings: SpringServerSettings = {
      userName: SPRING_USERNAME,
      userPassword: `fake-user-${randomBytes(12).toString('base64url')}`,
      authCodeClientId: SPRING_CLIENTS.authCode,
      deviceClientId: SPRING_CLIENTS.device,
      serviceClientId: SPRING_CLIENTS.service,
      serviceClientSecret: `fake-secret-${randomBytes(18).toString('base64url')}`,
      apiAudience: SPRING_CLIENTS.api,
      workload: {
        issuer: ciIssuer.issuer,
        jwksUri: ciIssuer.jwksUri,
        clientId: SPRING_CLIENTS.workload,
        subjects: Object.values(TRUSTED_WORKLOADS),
      },
    };
    const server = await startSpringServer({
      jarPath: built.jarPath,
      java,
      settings,
      ...(options.startupTimeoutMs ? { startupTimeoutMs: options.startupTimeoutMs } : {}),
    });
    return { ciIssuer, settings, server };
  });
  return {
    name: 'spring',
    baseUrl: server.baseUrl,
    processGroupId: server.processGroupId,
    built: built.built,
    issuer: server.baseUrl,
    clients: {
      auth_code: { clientId: settings.authCodeClientId, scopes: ['openid', 'profile'] },
      // Spring AS refuses `openid` in a device authorization request (invalid_scope), and its
      // consent page cannot approve a request without a scope that needs consent.
      device: { clientId: settings.deviceClientId, scopes: ['profile'] },
      client_credentials: {
        clientId: settings.serviceClientId,
        clientSecret: settings.serviceClientSecret,
        scopes: [],
      },
    },
    user: { username: settings.userName, password: settings.userPassword },
    pages: springPages,
    // Both public clients require consent, and the server remembers none (targets/spring/spring-as).
    // Spring AS takes no audience or resource parameter; the server's token customizer maps it.
    capabilities: completeServerCapabilities(SPRING_CLIENTS.api, {
      customCa: false,
      deviceScriptUnavailable: `a real ${NAME} cannot be scripted`,
      loginHintUnavailable:
        "Spring Security's generated login page does not read login_hint (its user name field is always empty)",
      reauthenticationUnavailable: `${NAME} acts on prompt=none only: it ignores prompt=login and max_age, and its session answers every login`,
    }),
    description: `${NAME} (Spring Security ${SPRING_SECURITY_VERSION}, Spring Boot ${SPRING_BOOT_VERSION}) on Java ${java.major}`,
    // Its pages link Bootstrap from a CDN: blocked, they still work unstyled.
    browserHosts: ['127.0.0.1'],
    // Spring AS's issuer is the URL a request came to: the platform token names it in aud.
    workloadIdentity: {
      ciIssuer,
      way: 'token_exchange',
      audience: server.baseUrl,
      apiAudience: SPRING_CLIENTS.api,
      clients: oneClientForAll(SPRING_CLIENTS.workload),
      identity: { claim: 'sub', values: TRUSTED_WORKLOADS },
      narrowing: {
        client: { clientId: settings.authCodeClientId, scopes: ['openid', 'profile'] },
        audience: SPRING_CLIENTS.api,
      },
    },
    stop: async () => {
      await Promise.allSettled([ciIssuer.stop()]);
      await server.stop();
    },
  };
}
