import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { COMMAND_TABLE } from './options/command-table.js';
import { renderExitCodesMarkdown, renderOptionsMarkdown } from './options/help.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

function block(name: string): string | undefined {
  return new RegExp(`<!-- ${name}:start[^>]*-->\\n([\\s\\S]*?)<!-- ${name}:end -->`).exec(readme)?.[1];
}

/** Cell contents only: the README's tables are padded by the formatter (biome), the renderer's are not. */
function cells(markdown: string | undefined): string[][] {
  return (markdown ?? '')
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .map((line) =>
      line
        .slice(1, -1)
        .split(' | ')
        .map((cell) => cell.trim().replace(/^-+$/, '---')),
    );
}

it('the README option table and exit codes are those the CLI has (node scripts/update-readme.mjs)', () => {
  expect(cells(block('options'))).toEqual(cells(renderOptionsMarkdown()));
  expect(cells(block('exit-codes'))).toEqual(cells(renderExitCodesMarkdown()));
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
