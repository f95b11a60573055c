// `oidcflow completion bash|zsh|fish`: scripts made from the command and option tables. bash
// runs here for real (the script is sourced and its function asked, as bash does on Tab); zsh
// and fish are checked by their own `-n` when installed, and for every flag by text.
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { COMMAND_TABLE } from '../src/options/command-table.js';
import { acceptedOptionsFor } from '../src/options/option-table.js';
import { assertBuilt, BIN } from './support/cli-process.js';

const script = (shell: string) =>
  execFileSync(process.execPath, [BIN, 'completion', shell], { encoding: 'utf8' });

/** What bash completes for `words` (the last one being typed). */
function bashCompletes(words: string[]): string[] {
  const line = words.map((word) => `'${word}'`).join(' ');
  const result = spawnSync(
    'bash',
    [
      '-c',
      `eval "$(cat)"; COMP_WORDS=(${line}); COMP_CWORD=${words.length - 1}; _oidcflow; printf '%s\\n' "\${COMPREPLY[@]}"`,
    ],
    { input: script('bash'), encoding: 'utf8' },
  );
  expect(result.status, result.stderr).toBe(0);
  return result.stdout.split('\n').filter(Boolean);
}

const hasShell = (shell: string) => spawnSync(shell, ['-c', 'true']).status === 0;

describe('oidcflow completion', () => {
  it("bash: commands, each command's flags, values of flags with choices, subcommand words", () => {
    assertBuilt();
    expect(bashCompletes(['oidcflow', 'acc'])).toEqual(['accounts']);
    expect(bashCompletes(['oidcflow', 'token', '--output', ''])).toEqual([
      'token',
      'json',
      'header',
      'exec-credential',
    ]);
    expect(bashCompletes(['oidcflow', 'status', '-o', ''])).toEqual(['text', 'json']);
    expect(bashCompletes(['oidcflow', 'profile', ''])).toEqual(
      expect.arrayContaining(['list', 'show', 'set', 'use']),
    );
    expect(bashCompletes(['oidcflow', 'login', '--acc'])).toEqual(['--account']);
    for (const command of COMMAND_TABLE) {
      const flags = bashCompletes(['oidcflow', command.name, '-']);
      for (const option of acceptedOptionsFor(command.name))
        expect(flags, command.name).toContain(`--${option.flag}`);
    }
  });

  it('zsh and fish: every command and flag is in the script; their own syntax check where installed', () => {
    for (const shell of ['zsh', 'fish']) {
      const text = script(shell);
      for (const command of COMMAND_TABLE) {
        expect(text).toContain(command.name);
        for (const option of acceptedOptionsFor(command.name)) {
          expect(text).toContain(shell === 'fish' ? `-l ${option.flag}` : `--${option.flag}`);
        }
      }
      if (hasShell(shell)) {
        const check = spawnSync(shell, ['-n'], { input: text, encoding: 'utf8' });
        expect(check.status, check.stderr).toBe(0);
      }
    }
  });

  it('an unknown shell is a usage error', () => {
    const result = spawnSync(process.execPath, [BIN, 'completion', 'powershell'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/name a shell: oidcflow completion bash, zsh or fish/);
  });
});
