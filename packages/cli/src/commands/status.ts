import { idTokenExpiresAt, isFresh, terminalText } from '@oidcflow/core';
import { ExitCode } from '../exit-codes.js';
import type { CommandContext } from '../io.js';
import { describeExpiry, describeSubject } from '../output/describe.js';
import { jsonForTerminal } from '../output/terminal-json.js';
import { createAuth } from '../settings/create-auth.js';
import { familiesFor } from './families.js';

/** One cached entry as `status` shows it: never a token, only facts about it. */
export interface StatusEntry {
  family: 'user' | 'client';
  flow: string;
  issuer: string;
  clientId: string;
  subject: string;
  /** Scopes the IdP granted, when it said. */
  scope?: string;
  expiresAt: string;
  /** The access token is usable now (valid past the skew). */
  valid: boolean;
  hasRefreshToken: boolean;
  hasIdToken: boolean;
  /** The ID token's own expiry (its `exp`), what kubectl's `expirationTimestamp` is. */
  idTokenExpiresAt?: string;
  savedAt: string;
  cachePath?: string;
  /** The cache plugin that holds it (`file`, `keyring`, `memory`) and why, when it says. */
  cacheStore?: string;
  cacheReason?: string;
}

export interface StatusReport {
  /**
   * A token can be had without a login: one is valid, a refresh token is cached, or an
   * identity source gives a platform token to get a new one with (workload identity).
   */
  loggedIn: boolean;
  /** With `--identity-source`: where a grant would read the platform token, and why (no token read). */
  identitySource?: { requested: string; source?: string; reason: string };
  entries: StatusEntry[];
  /** Where the entries are (or would be) kept. */
  cachePaths: string[];
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

async function collect(context: CommandContext, now: number): Promise<StatusReport> {
  const report: StatusReport = { loggedIn: false, entries: [], cachePaths: [] };
  for (const family of familiesFor(context)) {
    const { auth } = await createAuth(context, family);
    if ('describeIdentitySource' in auth) {
      const described = await auth.describeIdentitySource();
      if (described) {
        const found = described.sources.find((source) => source.chosen);
        report.identitySource = {
          requested: described.requestedSource,
          ...(described.source ? { source: described.source } : {}),
          reason: described.problem?.message ?? found?.reason ?? 'present',
        };
        if (described.source) report.loggedIn = true;
      }
    }
    const path = await auth.resolvedCachePath();
    if (path && !report.cachePaths.includes(path)) report.cachePaths.push(path);
    const cached = await auth.getCachedTokens();
    if (!cached) continue;
    const { tokens } = cached;
    // Not valid while another user's browser sign-in may have ended its session (laterSignIn).
    const { laterSignIn } = cached;
    const valid = isFresh(
      { tokens, flow: cached.flow, savedAt: cached.savedAt, ...(laterSignIn ? { laterSignIn } : {}) },
      now,
    );
    // As resolved (an option, or the server source), byte for byte: the same string explain prints.
    const clientId = cached.clientId;
    const entry: StatusEntry = {
      family,
      flow: cached.flow,
      issuer: cached.issuer,
      clientId,
      subject: describeSubject(tokens, clientId),
      expiresAt: iso(tokens.expiresAt),
      valid,
      hasRefreshToken: Boolean(tokens.refreshToken),
      hasIdToken: Boolean(tokens.idToken),
      savedAt: iso(cached.savedAt),
    };
    if (tokens.scope !== undefined) entry.scope = tokens.scope;
    const idExpiresAt = idTokenExpiresAt(tokens);
    if (idExpiresAt !== undefined) entry.idTokenExpiresAt = iso(idExpiresAt);
    if (cached.cachePath) entry.cachePath = cached.cachePath;
    entry.cacheStore = cached.cache.plugin;
    if (cached.cache.reason) entry.cacheReason = cached.cache.reason;
    report.entries.push(entry);
    if (valid || entry.hasRefreshToken) report.loggedIn = true;
  }
  return report;
}

/** The identity source line: a token can be had with it, or why not. */
function identitySourceLine(report: StatusReport): string {
  const identity = report.identitySource;
  if (!identity) return '';
  const what = identity.source
    ? `${identity.source} (${identity.reason}): a new token is granted with the platform's token when needed, no login`
    : `none found for ${identity.requested}: ${identity.reason}`;
  return `${'identity source:'.padEnd(17)}${terminalText(what)}\n`;
}

function renderText(report: StatusReport, context: CommandContext, now: number): string {
  const { style } = context;
  const settings = context.settings;
  if (report.entries.length === 0 && report.identitySource?.source) {
    return `Nothing is cached yet for ${terminalText(settings.clientId ?? 'this client')} at ${terminalText(settings.issuer ?? 'this issuer')}; \`oidcflow token\` gets one without a login.\n${identitySourceLine(report)}`;
  }
  if (report.entries.length === 0) {
    const where = report.cachePaths.length > 0 ? ` in ${report.cachePaths.join(' or ')}` : '';
    return (
      `Not logged in: nothing is cached for ${terminalText(settings.clientId ?? 'this client')} at ${terminalText(settings.issuer ?? 'this issuer')}${terminalText(where)}.\n` +
      'Run `oidcflow login` (same options) to log in.\n'
    );
  }
  const blocks = report.entries.map((entry) => {
    const expiresAt = Date.parse(entry.expiresAt);
    // Within core's refresh margin a token still works but is no longer handed out.
    const state = entry.valid ? 'valid' : expiresAt > now ? 'about to expire' : 'expired';
    const renewal = entry.valid ? '' : entry.hasRefreshToken ? ', refreshable' : ', a login is needed';
    const token = entry.valid
      ? style.green(state)
      : (entry.hasRefreshToken ? style.yellow : style.red)(`${state}${renewal}`);
    const rows: Array<[string, string]> = [
      // What the IdP or the cache file said is shown, never obeyed, by the terminal.
      ['issuer', terminalText(entry.issuer)],
      ['client id', terminalText(entry.clientId)],
      ['subject', terminalText(entry.subject)],
      ['flow', terminalText(entry.flow)],
      ['scopes', terminalText(entry.scope ?? '(not reported by the IdP)')],
      ['access token', `${token}; expires ${describeExpiry(expiresAt, now)}`],
      ['refresh token', entry.hasRefreshToken ? 'cached' : 'none'],
      [
        'id token',
        entry.idTokenExpiresAt
          ? `cached; expires ${describeExpiry(Date.parse(entry.idTokenExpiresAt), now)}`
          : entry.hasIdToken
            ? 'cached'
            : 'none',
      ],
      ['saved', entry.savedAt],
      ['cache file', terminalText(entry.cachePath ?? '(in memory)')],
      ...(entry.cacheReason
        ? [['cache store', terminalText(`${entry.cacheStore}: ${entry.cacheReason}`)] as [string, string]]
        : []),
    ];
    return rows.map(([name, value]) => `${`${name}:`.padEnd(15)}${value}`).join('\n');
  });
  return `${blocks.join('\n\n')}\n${identitySourceLine(report)}`;
}

/**
 * `oidcflow status`: what is cached for the current settings, read without any request.
 * Exit 0 when a token can be had without logging in, 3 (not logged in) otherwise.
 */
export async function runStatus(context: CommandContext): Promise<number> {
  const now = Date.now();
  const report = await collect(context, now);
  if (context.settings.output === 'json') context.stdout.write(`${jsonForTerminal(report)}\n`);
  else context.stdout.write(renderText(report, context, now));
  return report.loggedIn ? ExitCode.OK : ExitCode.NOT_LOGGED_IN;
}
