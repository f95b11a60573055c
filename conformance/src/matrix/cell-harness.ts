import { join } from 'node:path';
import {
  type CacheKey,
  type CachePlugin,
  cacheKeyFor,
  type Logger,
  OidcAuth,
  type OidcAuthOptions,
  OidcCredentialsAuth,
  type Plugin,
  type PromptOutput,
  type TokenSet,
} from '@oidcflow/core';
import type { BrowserProvider, BrowserSession } from '../browser-bridge/browser-provider.js';
import type { ConsentAnswer } from '../browser-bridge/page-script.js';
import { ScenarioFailure, ScenarioSkip } from '../scenarios/scenario-outcome.js';
import { type BrowserLoginDriver, browserLoginDriver } from '../support/browser-login.js';
import { fetchDiscovery } from '../support/raw-http.js';
import type { TrafficMeter } from '../support/traffic.js';
import type { RunningTarget, TargetClient, TestUser } from '../targets/target.js';
import { FLOW_OF_KIND, forceMatch, type Subject } from './subject.js';

/** What the scenarios call on an auth object; both OidcAuth and OidcCredentialsAuth have it. */
export type AnyAuth = OidcAuth | OidcCredentialsAuth;

export interface CellHarnessInit {
  target: RunningTarget;
  subject: Subject;
  browser: BrowserProvider;
  traffic?: TrafficMeter;
  workDir: string;
  /** Aborted when the cell times out or a page script fails. */
  controller: AbortController;
}

/**
 * Everything one cell needs, built the same way for every scenario: the auth options for
 * this target and plugin, a cache in the cell's own directory, the browser, request counts.
 */
export class CellHarness {
  readonly target: RunningTarget;
  readonly subject: Subject;
  readonly client: TargetClient;
  readonly workDir: string;
  readonly cachePath: string;
  readonly cache: CachePlugin;
  readonly warnings: string[] = [];
  readonly prompt: string[] = [];
  private readonly browser: BrowserProvider;
  private readonly traffic: TrafficMeter | undefined;
  private readonly controller: AbortController;
  private readonly sessions: BrowserSession[] = [];
  private discovery?: Promise<Record<string, unknown>>;

  constructor(init: CellHarnessInit) {
    this.target = init.target;
    this.subject = init.subject;
    const client = init.target.clients[FLOW_OF_KIND[init.subject.flowKind]];
    if (!client) throw new Error(`${init.target.name} has no client for ${init.subject.flowKind} flows`);
    this.client = client;
    this.workDir = init.workDir;
    this.cachePath = join(init.workDir, 'cache');
    this.browser = init.browser;
    this.traffic = init.traffic;
    this.controller = init.controller;
    this.cache = init.subject.createCache({
      cachePath: this.cachePath,
      warn: (message) => this.warnings.push(message),
    });
  }

  /** Client flows (the first-party one or a third party's) run in OidcCredentialsAuth. */
  get credentialsAuth(): boolean {
    return this.subject.flowKind === 'client';
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Stops the cell now (a page script failed); the runner reports `reason`. */
  fail(reason: Error): void {
    if (!this.controller.signal.aborted) this.controller.abort(reason);
  }

  /** The `openUrl` of auth objects that must not log in: a login there fails the cell at once. */
  private async unexpectedLogin(url: string): Promise<boolean> {
    this.fail(
      new ScenarioFailure(`a login started although none was expected (it opened ${new URL(url).pathname})`),
    );
    return false;
  }

  /** The environment oidcflow sees: no CI, a BROWSER (so flows open one), the proxy if counting. */
  environment(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? '',
      HOME: join(this.workDir, 'home'),
      BROWSER: 'oidcflow-conformance-playwright',
      ...(this.traffic?.env ?? {}),
    };
    if (process.env.OIDCFLOW_DEBUG) env.OIDCFLOW_DEBUG = process.env.OIDCFLOW_DEBUG;
    return env;
  }

  /** Plugins every auth object of this cell registers: the cache, the plugin under test, the target's IdP plugin. */
  plugins(extra: readonly Plugin[] = []): Plugin[] {
    const plugins: Plugin[] = [this.cache];
    if (this.subject.flowPlugin) plugins.push(this.subject.flowPlugin);
    if (this.subject.idpPlugin) plugins.push(forceMatch(this.subject.idpPlugin));
    return [...plugins, ...extra];
  }

  /** Options for this target, client and plugin; `overrides` win. */
  options(overrides: Partial<OidcAuthOptions> = {}): OidcAuthOptions {
    const logger: Logger = {
      debug: (message) => {
        if (process.env.OIDCFLOW_DEBUG) process.stderr.write(`oidcflow: ${message}\n`);
      },
      warn: (message) => this.warnings.push(message),
    };
    const output: PromptOutput = { write: (text: string) => this.prompt.push(text), isTTY: false };
    const options: OidcAuthOptions = {
      issuer: this.target.issuer,
      clientId: this.client.clientId,
      scopes: this.client.scopes,
      plugins: this.plugins(),
      callbackPort: 0,
      callbackTimeoutSeconds: 90,
      httpTimeoutSeconds: 20,
      env: this.environment(),
      logger,
      signal: this.controller.signal,
      ports: { output, openUrl: (url) => this.unexpectedLogin(url) },
      flow: this.subject.flowName,
      ...(this.client.clientSecret ? { clientSecret: this.client.clientSecret } : {}),
      ...(this.target.caCertPath ? { caCertPath: this.target.caCertPath } : {}),
    };
    return { ...options, ...overrides, ports: { ...options.ports, ...overrides.ports } };
  }

  /** An OidcAuth (user flows) or OidcCredentialsAuth (client flows) with `options(overrides)`. */
  auth(overrides: Partial<OidcAuthOptions> = {}): AnyAuth {
    const options = this.options(overrides);
    return this.credentialsAuth ? new OidcCredentialsAuth(options) : new OidcAuth(options);
  }

  /** A fresh browser profile, closed with the cell. Skips the cell when no browser can run. */
  async browserSession(): Promise<BrowserSession> {
    if (this.browser.unavailableReason) throw new ScenarioSkip(this.browser.unavailableReason, 'browser');
    const session = await this.browser.newSession({
      ...(this.target.browserHosts ? { allowedHosts: this.target.browserHosts } : {}),
      ignoreHttpsErrors: Boolean(this.target.caCertPath ?? this.target.tlsEndpoint),
    });
    this.sessions.push(session);
    return session;
  }

  /**
   * An `openUrl` port that completes the target's pages in `session` (a new one if absent),
   * signing in `user` (the target's user if absent).
   */
  async loginDriver(
    consent: ConsentAnswer = 'approve',
    options: { session?: BrowserSession; user?: TestUser; beforeLogin?: (url: string) => Promise<void> } = {},
  ): Promise<BrowserLoginDriver> {
    const session = options.session ?? (await this.browserSession());
    return browserLoginDriver({
      session,
      pages: this.target.pages,
      user: options.user ?? this.target.user,
      flowKind: this.subject.flowKind,
      consent,
      promptText: () => this.prompt.join(''),
      onFailure: (error) => this.fail(error),
      ...(options.beforeLogin ? { beforeLogin: options.beforeLogin } : {}),
    });
  }

  /**
   * An auth object that can log in: user flows get a browser driver behind `ports.openUrl`;
   * client flows need none.
   */
  async loggingInAuth(
    overrides: Partial<OidcAuthOptions> = {},
    consent: ConsentAnswer = 'approve',
  ): Promise<{ auth: AnyAuth; driver?: BrowserLoginDriver }> {
    if (this.subject.flowKind === 'client') return { auth: this.auth(overrides) };
    const driver = await this.loginDriver(consent);
    const auth = this.auth({
      ...overrides,
      ports: { ...overrides.ports, openUrl: (url) => driver.openUrl(url) },
    });
    return { auth, driver };
  }

  /**
   * Logs in once (through the browser driver for user flows) and waits for the driver to
   * finish its pages: the first step of most scenarios. `auth` is the object that logged in.
   */
  async logIn(
    overrides: Partial<OidcAuthOptions> = {},
  ): Promise<{ auth: AnyAuth; tokens: TokenSet; driver?: BrowserLoginDriver }> {
    const { auth, driver } = await this.loggingInAuth(overrides);
    const tokens = await auth.getTokens();
    await driver?.settled();
    return { auth, tokens, ...(driver ? { driver } : {}) };
  }

  /** The cache key the auth objects of this cell use (same inputs as core's). */
  cacheKey(overrides: Partial<OidcAuthOptions> = {}): CacheKey {
    const options = this.options(overrides);
    return cacheKeyFor({
      issuer: options.issuer ?? '',
      clientId: options.clientId ?? '',
      scopes: options.scopes ?? [],
      audience: options.audience,
      family: this.credentialsAuth ? 'client' : 'user',
      dpop: options.dpop,
    });
  }

  /** Makes the cached access token look expired, through the cache plugin; keeps the refresh token. */
  async expireCachedAccessToken(overrides: Partial<OidcAuthOptions> = {}): Promise<void> {
    const key = this.cacheKey(overrides);
    const entry = await this.cache.get(key);
    if (!entry) throw new Error('nothing is cached for these settings, so there is no token to expire');
    const expiredAt = Date.now() - 1_000;
    await this.cache.set(key, {
      ...entry,
      tokens: { ...entry.tokens, expiresAt: expiredAt },
      savedAt: Math.min(entry.savedAt, expiredAt - 60_000),
    });
  }

  /** The request counter; skips the cell when this target's requests cannot be counted. */
  meter(): TrafficMeter {
    if (!this.traffic) {
      throw new ScenarioSkip(
        `requests to ${this.target.name} cannot be counted (an HTTPS IdP without a request log)`,
        'not-applicable',
      );
    }
    return this.traffic;
  }

  get hasMeter(): boolean {
    return this.traffic !== undefined;
  }

  /** The target's discovery document, read by the harness itself (never through oidcflow). */
  metadata(): Promise<Record<string, unknown>> {
    this.discovery ??= fetchDiscovery(this.target.issuer, this.target.caCertPath);
    return this.discovery;
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.sessions.map((session) => session.close()));
  }
}
