import { type ExplainReport, terminalText, type WorkloadIdentityReport } from '@oidcflow/core';
import { exitCodeForError } from '../exit-codes.js';
import type { CommandContext } from '../io.js';
import { OPTION_TABLE } from '../options/option-table.js';
import type { Style } from '../output/style.js';
import { jsonForTerminal } from '../output/terminal-json.js';
import { createAuth } from '../settings/create-auth.js';

function hasClientCredential(context: CommandContext): boolean {
  const { settings, env } = context;
  return Boolean(
    context.secrets.size > 0 ||
      settings.identitySource ||
      settings.privateKeyPath ||
      env.OIDCFLOW_CLIENT_SECRET ||
      env.OIDCFLOW_PRIVATE_KEY_PATH,
  );
}

// Core words its reasons for library callers; on the command line the fix is a flag.
function forTheCommandLine(reason: string): string {
  return reason.replace('(use OidcCredentialsAuth)', '(use --flow client_credentials)');
}

/** Each setting given, with where it came from: a flag, a variable or a profile (file and line). */
function settingOrigins(context: CommandContext): Array<{ option: string; value: string; from: string }> {
  return OPTION_TABLE.flatMap((option) => {
    const from = context.origins[option.key];
    const value = context.settings[option.key];
    const accepted = option.commands.includes('explain') || option.ignoredBy?.includes('explain');
    if (!from || value === undefined || !accepted) return [];
    const shown = Array.isArray(value)
      ? value.join(' ')
      : typeof value === 'object'
        ? Object.entries(value)
            .map(([key, item]) => `${key}=${String(item)}`)
            .join(' ')
        : String(option.inverted ? !value : value);
    return [{ option: `--${option.flag}`, value: shown, from }];
  }).filter((row, index, rows) => rows.findIndex((other) => other.option === row.option) === index);
}

function renderOrigins(rows: ReturnType<typeof settingOrigins>): string {
  if (rows.length === 0) return '';
  const width = Math.max(...rows.map((row) => row.option.length + row.value.length + 1));
  const lines = rows.map(
    (row) => `  ${`${row.option} ${terminalText(row.value)}`.padEnd(width)}  from ${terminalText(row.from)}`,
  );
  return `\nsettings (flag > variable > profile > default; others are defaults):\n${lines.join('\n')}\n`;
}

function renderText(report: ExplainReport, style: Style): string {
  const environment = report.environment;
  const rows: Array<[string, string]> = [
    ['issuer', terminalText(report.issuer)],
    ['client id', terminalText(report.clientId)],
    ['scopes', terminalText(report.scopes.length > 0 ? report.scopes.join(' ') : '(none)')],
    ...(report.audience ? [['audience', terminalText(report.audience)] as [string, string]] : []),
    ['flow asked', report.requestedFlow],
    ['chosen', report.chosen ? style.bold(report.chosen) : style.red('none')],
    [
      'browser',
      `${environment.browserAvailable ? 'available' : 'not available'} (${environment.browserReason})`,
    ],
    ['interactive', environment.interactive ? 'yes (stderr is a terminal)' : 'no (stderr is not a terminal)'],
    ['metadata', `from ${report.metadataSource}`],
    ['id token', report.idToken.renewal],
    [
      'cache',
      terminalText(report.cache.path ? `${report.cache.plugin}: ${report.cache.path}` : report.cache.plugin),
    ],
    ...(report.cache.reason ? [['cache store', terminalText(report.cache.reason)] as [string, string]] : []),
  ];
  const width = Math.max(...report.flows.map((flow) => flow.name.length));
  const flows = report.flows.map((flow) => {
    const mark = flow.chosen ? style.green('✓ chosen  ') : flow.installed ? '  declined' : '  missing ';
    return `  ${mark}  ${terminalText(flow.name.padEnd(width))}  ${terminalText(forTheCommandLine(flow.reason))}`;
  });
  const problem = report.problem
    ? `\n${style.red('problem:')} ${terminalText(report.problem.message)}\n`
    : '';
  const workload = report.workloadIdentity ? renderWorkload(report.workloadIdentity, style) : '';
  return `${rows.map(([name, value]) => `${`${name}:`.padEnd(13)}${value}`).join('\n')}\n${workload}\nflows:\n${flows.join('\n')}\n${problem}`;
}

/**
 * Which source gives the platform token and why the others do not; which way it is spent and
 * why not the others. No token is read or shown.
 */
function renderWorkload(workload: WorkloadIdentityReport, style: Style): string {
  const sourceWidth = Math.max(...workload.sources.map((source) => source.name.length), 1);
  const sources = workload.sources.map((source) => {
    const mark =
      source.chosen && source.present
        ? style.green('✓ found   ')
        : source.present
          ? '  present '
          : '  absent  ';
    return `  ${mark}  ${terminalText(source.name.padEnd(sourceWidth))}  ${terminalText(source.reason)}`;
  });
  const uses = workload.uses.map((use) => {
    const mark = use.chosen ? style.green('✓ chosen  ') : '  not used';
    return `  ${mark}  ${use.use.padEnd(16)}  ${terminalText(use.reason)}`;
  });
  const found = workload.source ? style.bold(workload.source) : style.red('none');
  return (
    `\nworkload identity (no secret: the platform's token)\n` +
    `${'source:'.padEnd(13)}${found} (asked: ${terminalText(workload.requestedSource)})\n` +
    `${'audience:'.padEnd(13)}${terminalText(workload.audience)} (asked of the platform where it can be)\n` +
    `${'spent as:'.padEnd(13)}${style.bold(workload.use)}\n` +
    `sources:\n${sources.join('\n')}\nways:\n${uses.join('\n')}\n`
  );
}

/**
 * `oidcflow explain`: the flow a login would use and, for every flow, why or why not. Reads
 * the metadata (cached, or by discovery) but logs nobody in. Exits with the code a login would
 * fail with when no flow fits.
 */
export async function runExplain(context: CommandContext): Promise<number> {
  const { auth, family } = await createAuth(context);
  context.progress('Reading the IdP metadata…');
  const report = await auth.explain();
  context.progress('');
  // Core's selection does not look at credentials; the grant would fail at once without them.
  if (family === 'client' && !report.problem && !hasClientCredential(context)) {
    report.problem = {
      code: 'CLIENT_SECRET_MISSING',
      message: `The client credentials grant needs the secret of client "${report.clientId}": set OIDCFLOW_CLIENT_SECRET or --client-secret-file (or --private-key-path for private_key_jwt).`,
    };
  }
  const printable = {
    ...report,
    flows: report.flows.map((flow) => ({ ...flow, reason: forTheCommandLine(flow.reason) })),
  };
  const origins = settingOrigins(context);
  if (context.settings.output === 'json')
    context.stdout.write(`${jsonForTerminal({ ...printable, settings: origins })}\n`);
  else context.stdout.write(renderText(printable, context.style) + renderOrigins(origins));
  return report.problem ? exitCodeForError(report.problem.code) : 0;
}
