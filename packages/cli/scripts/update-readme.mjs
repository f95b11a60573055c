#!/usr/bin/env node
// Rewrites the generated parts of README.md (option table, exit codes) from the built CLI, so
// the README cannot drift from the parser. Run after `pnpm --filter @oidcflow/cli build`.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderExitCodesMarkdown, renderOptionsMarkdown } from '../dist/index.js';

const readmeUrl = new URL('../README.md', import.meta.url);
let text = readFileSync(readmeUrl, 'utf8');
for (const [name, content] of [
  ['options', renderOptionsMarkdown()],
  ['exit-codes', renderExitCodesMarkdown()],
]) {
  const pattern = new RegExp(`(<!-- ${name}:start[^>]*-->\\n)[\\s\\S]*?(<!-- ${name}:end -->)`);
  if (!pattern.test(text))
    throw new Error(`README.md has no <!-- ${name}:start --> … <!-- ${name}:end --> block`);
  text = text.replace(pattern, `$1${content}$2`);
}
writeFileSync(readmeUrl, text);
// Pad the tables as the repository's formatter wants them (`biome check` covers Markdown).
execFileSync('npx', ['biome', 'format', '--write', fileURLToPath(readmeUrl)], { stdio: 'inherit' });
