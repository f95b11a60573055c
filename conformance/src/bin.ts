#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { PREPARE_COMMAND_NAMES, runPrepareCommand } from './cli/prepare-commands.js';
import { runCommand, UsageError } from './cli/run-command.js';
import { TARGET_NAMES } from './targets/registry.js';

const USAGE = `Usage:
  oidcflow-conformance [--plugin <module>]... [--target <name>]... [--scenario <name>]...
                       [--first-party] [--with-flow <flow>]... [--report-dir <dir>] [--quiet]
${PREPARE_COMMAND_NAMES.map((name) => `  oidcflow-conformance ${name} [--help]\n`).join('')}
Runs oidcflow's conformance scenarios and prints the matrix plugin × target × scenario.

  --plugin <module>    a flow, cache or IdP plugin to test: a package name or a file path whose
                       module exports createPlugin (or a default plugin). Repeat for several.
  --target <name>      ${TARGET_NAMES.join(', ')}, or embedded (both oidc-provider
                       targets) (default: all; a target that cannot start here is
                       reported as skipped, with the reason)
  --scenario <name>    run only these scenarios (default: all)
  --first-party        also run oidcflow's own flows (the default when no --plugin is given)
  --with-flow <flow>   the first-party flows an IdP or cache plugin runs with
                       (auth_code, device, client_credentials)
  --report-dir <dir>   where matrix.json, matrix.md and matrix.html go (default: conformance-report)
  --quiet              no progress lines

Environment: OIDCFLOW_REQUIRE=browser,keycloak,hydra,spring turns those skips into failures;
OIDCFLOW_EXTERNAL_ISSUER and friends describe the external target (docs/plugins.md);
OIDCFLOW_CHROMIUM names the browser (default: a system Chrome, Chromium or Edge, else the
Chromium of @sparticuz/chromium; OIDCFLOW_BROWSER=path|system|npm forces one).
Exit status: 0 when no cell failed, 1 when one did, 2 for a usage error.
`;

async function main(argv: string[]): Promise<number> {
  const write = (text: string) => process.stdout.write(text);
  const [first = '', ...rest] = argv;
  if (PREPARE_COMMAND_NAMES.includes(first)) return runPrepareCommand(first, rest, write);
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      plugin: { type: 'string', multiple: true, default: [] },
      target: { type: 'string', multiple: true, default: [] },
      scenario: { type: 'string', multiple: true, default: [] },
      'with-flow': { type: 'string', multiple: true, default: [] },
      'first-party': { type: 'boolean' },
      'report-dir': { type: 'string', default: 'conformance-report' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    write(USAGE);
    return 0;
  }
  if (positionals.length > 0 && !(positionals.length === 1 && positionals[0] === 'run'))
    throw new UsageError(`unknown command ${positionals.join(' ')}`);
  return runCommand(
    {
      plugins: values.plugin,
      targets: values.target,
      scenarios: values.scenario,
      withFlows: values['with-flow'],
      firstParty: values['first-party'],
      reportDir: values['report-dir'],
      quiet: values.quiet,
    },
    write,
  );
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const usage =
      error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`oidcflow-conformance: ${(error as Error).message}\n${usage ? USAGE : ''}`);
    process.exitCode = usage ? 2 : 1;
  },
);
