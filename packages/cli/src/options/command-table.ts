import type { CommandName } from './option-table.js';

export interface CommandSpec {
  name: CommandName;
  summary: string;
  /** What follows the command name in the usage line. @default '[options]' */
  usage?: string;
  /** A few lines after the usage line: what the command does, where output goes. */
  description: string;
  examples: readonly string[];
}

/** The commands, in the order `oidcflow --help` lists them. */
export const COMMAND_TABLE: readonly CommandSpec[] = [
  {
    name: 'login',
    summary: 'log in now (browser, device code or client credentials) and cache the tokens',
    description:
      'Runs the login flow that `oidcflow explain` would choose (or --flow), even when a token is\n' +
      'cached, then says on stderr who logged in and when the access token expires.',
    examples: [
      'oidcflow login --issuer https://idp.example.com --client-id my-cli',
      'oidcflow login --flow device --no-browser',
    ],
  },
  {
    name: 'token',
    summary: 'print a valid access or ID token (from the cache, by refresh, or by logging in)',
    description:
      'Prints the token alone on stdout, newline-terminated, for $(oidcflow token). Logs in\n' +
      'first when nothing usable is cached; prompts and messages go to stderr. --token-type id\n' +
      'prints the ID token, judged fresh on its own expiry. As a kubectl exec plugin\n' +
      '(--output exec-credential) it answers in the apiVersion kubectl asks for, gives the ID token\n' +
      'of a user login (the access token for client credentials), and, when kubectl says the call\n' +
      'is not interactive, never opens a browser or prompts: exit 3 until `oidcflow login` is run.',
    examples: [
      'curl -H "$(oidcflow token --output header)" https://api.example.com/things',
      'OIDCFLOW_CLIENT_SECRET=… oidcflow token --client-credentials --client-id ci-job',
      'oidcflow token --output exec-credential   # as a kubectl exec plugin',
      'oidcflow token --token-type id --output json',
    ],
  },
  {
    name: 'logout',
    summary: 'remove the cached tokens and revoke them at the IdP when it supports revocation',
    description:
      'Removes the tokens of the current account (or of --account NAME) for the current settings;\n' +
      'other accounts and settings stay. When the current account goes, the next one becomes current.',
    examples: [
      'oidcflow logout --issuer https://idp.example.com --client-id my-cli',
      'oidcflow logout --account bob',
    ],
  },
  {
    name: 'status',
    summary: 'show what is cached for the current settings (never a token)',
    description:
      'Shows expiry, scopes, flow and cache file of the cached entry, without any request.\n' +
      'Exits 0 when a token is usable (valid, or refreshable), 3 when not logged in.',
    examples: ['oidcflow status', 'oidcflow status --output json || oidcflow login'],
  },
  {
    name: 'explain',
    summary: 'show which login flow would be used and why, for every flow',
    description:
      'Reads the IdP metadata (or the cached copy) and reports, for every known flow, whether it\n' +
      'would run and why or why not. Exits with the code a login would fail with when no flow fits.',
    examples: ['oidcflow explain', 'oidcflow explain --flow device --output json'],
  },
  {
    name: 'git-credential',
    usage: '[options] <get|store|erase>   (git appends the action)',
    summary: "git's credential helper: a valid token as the password for the hosts you name (--host)",
    description:
      "Speaks git's credential-helper protocol: `get` answers username (--username, default oauth2)\n" +
      'and a valid token as password, logging in when needed; `erase` (git saying the server refused\n' +
      'it) drops that token from the cache so the next `get` refreshes; `store` does nothing.\n' +
      'Only the hosts named with --host (OIDCFLOW_GIT_HOSTS) get an answer: git asking about any\n' +
      "other (a submodule's, an lfs.url's) gets none. Start the helper with ! so git runs it.",
    examples: [
      "git config --global credential.https://git.example.com.helper '!oidcflow git-credential --host git.example.com --issuer https://idp.example.com --client-id git-cli'",
      'printf "protocol=https\\nhost=git.example.com\\n\\n" | oidcflow git-credential --host git.example.com get',
    ],
  },
  {
    name: 'fetch',
    usage: '[options] URL',
    summary: 'call an API with the token attached (a DPoP proof per request with --dpop); the body to stdout',
    description:
      'Sends one request with the access token (Bearer, or DPoP with a fresh proof) to URL only,\n' +
      'refreshes and retries once on 401 invalid_token, follows redirects to other origins without\n' +
      'the token. An API that asks for a stronger login (401 insufficient_user_authentication,\n' +
      'RFC 9470) gets one login with its acr_values/max_age and one retry: at a terminal, or with\n' +
      '--step-up login. The response body goes to stdout; a 4xx or 5xx answer exits 9.',
    examples: [
      'oidcflow fetch https://api.example.com/things',
      'echo \'{"name":"x"}\' | oidcflow fetch --dpop --data-stdin --content-type application/json https://api.example.com/things',
    ],
  },
  {
    name: 'accounts',
    usage: '[use NAME] [options]',
    summary: 'list the users logged in with these settings, or switch the current one',
    description:
      'Lists every account (user) logged in with the current settings, the current one first:\n' +
      'what kubectl, git and every command without --account get. `accounts use NAME` makes\n' +
      'another one current (its user name, e-mail or sub), without any request. Log one in with\n' +
      '`oidcflow login --account NAME`; log one out with `oidcflow logout --account NAME`.',
    examples: [
      'oidcflow accounts',
      'oidcflow accounts use bob@example.com',
      'oidcflow accounts --output json',
    ],
  },
  {
    name: 'profile',
    usage: 'list | show [NAME] | set NAME OPTION VALUE… | use NAME',
    summary: 'named settings in the configuration file: list, show, set an option, choose the default',
    description:
      'Profiles are tables of options (their flag names) in the configuration file\n' +
      '(OIDCFLOW_CONFIG, else ~/.config/oidcflow/config.toml on Linux, ~/Library/Application\n' +
      'Support/oidcflow/config.toml on macOS, %APPDATA%\\oidcflow\\config.toml on Windows).\n' +
      'Every command with login settings takes --profile NAME (OIDCFLOW_PROFILE), else the\n' +
      'default profile; flags and variables win over the profile. `set` and `use` change one line.',
    examples: [
      'oidcflow profile set work issuer https://idp.example.com',
      'oidcflow profile set work client-id my-cli',
      'oidcflow profile use work',
      'oidcflow token --profile staging',
    ],
  },
  {
    name: 'whoami',
    summary: 'who is logged in: the account these settings use and its ID token claims (never a token)',
    description:
      'Shows the account (the current one, or --account NAME) and the claims of its ID token as\n' +
      'cached, without any request: sub, preferred_username, email, acr, auth_time, … Exit 3\n' +
      'when nobody is logged in with these settings.',
    examples: ['oidcflow whoami', 'oidcflow whoami --account bob --output json'],
  },
  {
    name: 'completion',
    usage: 'bash | zsh | fish',
    summary: 'print the shell completion script (commands, options and their values)',
    description:
      'Prints a completion script made from the same command and option tables as --help.\n' +
      'Install it once in your shell, as the examples show.',
    examples: [
      'echo \'eval "$(oidcflow completion bash)"\' >> ~/.bashrc',
      "echo 'source <(oidcflow completion zsh)' >> ~/.zshrc",
      'oidcflow completion fish > ~/.config/fish/completions/oidcflow.fish',
    ],
  },
  {
    name: 'dev-idp',
    summary: 'run an embedded test IdP on 127.0.0.1 to try the other commands',
    description:
      'Starts an OpenID provider (oidc-provider) for demos and tests, prints its issuer, demo\n' +
      'clients and user, and runs until Ctrl-C. Not for production: keys and users are made up.',
    examples: ['oidcflow dev-idp', 'oidcflow dev-idp --port 0'],
  },
];

export function commandSpec(name: string): CommandSpec | undefined {
  return COMMAND_TABLE.find((command) => command.name === name);
}
