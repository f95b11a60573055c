import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { COMMAND_TABLE } from './options/command-table.js';
import { renderExitCodesMarkdown, renderOptionsMarkdown } from './options/help.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

function block(name: string): string | undefined {
  return new RegExp(`<!-- ${name}:start[^>]*-->\\n([\\s\\S]*?)<!-- ${name}:end -->`).exec(readme)?.[1];
}

it('the README option table and exit codes are those the CLI has (node scripts/update-readme.mjs)', () => {
  expect(block('options')).toBe(renderOptionsMarkdown());
  expect(block('exit-codes')).toBe(renderExitCodesMarkdown());
});

it('the README covers every command and the sections users look for', () => {
  for (const command of COMMAND_TABLE) expect(readme).toContain(`oidcflow ${command.name}`);
  for (const heading of [
    '## Install',
    '## Use it from a shell script',
    '## As a kubectl exec plugin',
    '## In CI with client credentials',
    '## Exit codes',
  ]) {
    expect(readme).toContain(heading);
  }
  expect(readme).toContain('apiVersion: client.authentication.k8s.io/v1');
});
