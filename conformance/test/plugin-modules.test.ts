// How a plugin module given by path (`oidcflow-conformance --plugin`, the race's child process)
// becomes a row: core's rule for plugin modules (pluginFactoryOf), on real module files.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFactory, subjectsForPlugin } from '../src/matrix/subjects.js';

const IDP = `{ kind: 'idp', specificationVersion: 2, name: 'module-shape-idp', matches: () => false }`;
const MODULES: Record<string, string> = {
  'create-plugin.mjs': `export const createPlugin = () => (${IDP});`,
  'default-factory.mjs': `export default () => (${IDP});`,
  'default-plugin.mjs': `export default ${IDP};`,
  'both.mjs': `export const createPlugin = () => ({ ...${IDP}, name: 'from-create-plugin' });\nexport default () => ({ ...${IDP}, name: 'from-default' });`,
  'nothing.mjs': 'export const unrelated = 1;',
};

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'oidcflow-plugin-modules-'));
  for (const [name, text] of Object.entries(MODULES)) await writeFile(join(directory, name), text);
});
afterAll(() => rm(directory, { recursive: true, force: true }));

describe('plugin modules', () => {
  it.each(['create-plugin.mjs', 'default-factory.mjs', 'default-plugin.mjs'])(
    '%s becomes the IdP rows, one per first-party flow',
    async (name) => {
      const subjects = await subjectsForPlugin(join(directory, name), { label: name });
      expect(subjects.map((subject) => [subject.pluginKind, subject.flowName, subject.loadError])).toEqual([
        ['idp', 'auth_code', undefined],
        ['idp', 'client_credentials', undefined],
      ]);
      expect(subjects[0]?.idpPlugin?.name).toBe('module-shape-idp');
    },
  );

  it('takes the export a reference names (the race child rebuilds a plugin that way), else createPlugin', async () => {
    const specifier = new URL(`file://${join(directory, 'both.mjs')}`).href;
    const named = await loadFactory({ specifier, exportName: 'default' });
    const plain = await loadFactory({ specifier });
    expect((named() as { name: string }).name).toBe('from-default');
    expect((plain() as { name: string }).name).toBe('from-create-plugin');
  });

  it('a module with no plugin fails its row with what it lacks', async () => {
    const [subject] = await subjectsForPlugin(join(directory, 'nothing.mjs'), { label: 'nothing' });
    expect(subject?.loadError).toMatch(/exports neither createPlugin nor a default plugin or factory/);
  });
});
