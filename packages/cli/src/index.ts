export { CliError } from './cli-error.js';
export { EXIT_CODE_BY_ERROR, EXIT_CODE_DESCRIPTIONS, ExitCode, exitCodeForError } from './exit-codes.js';
export { Interrupted } from './interrupt.js';
export type { CliIo, CommandContext, OutputStream } from './io.js';
export { cliVersion, runCli } from './main.js';
export { COMMAND_TABLE, type CommandSpec } from './options/command-table.js';
export {
  renderCommandHelp,
  renderExitCodesMarkdown,
  renderOptionsMarkdown,
  renderTopHelp,
} from './options/help.js';
export { helpOf, OPTION_HELP, type OptionHelp } from './options/option-help.js';
export {
  type CliSettings,
  COMMAND_NAMES,
  type CommandName,
  OPTION_TABLE,
  type OptionSpec,
} from './options/option-table.js';
export { parseCommandLine } from './options/parse.js';
export {
  authorizationScheme,
  EXEC_CREDENTIAL_API_VERSION,
  execCredential,
  formatTokens,
  TOKEN_OUTPUTS,
  type TokenJson,
  type TokenOutput,
  tokenJson,
} from './output/token-formats.js';
export { UsageError } from './usage-error.js';
