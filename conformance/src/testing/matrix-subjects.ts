import { existsSync } from 'node:fs';
import type { Subject } from '../matrix/subject.js';
import { firstPartySubjects, subjectsForPlugin } from '../matrix/subjects.js';

/**
 * oidcflow's own flows, then each plugin module (a built file, as a third party hands it over)
 * that exists; one that is not built yet is left out. A module is labelled with its package's
 * folder and the one above it, e.g. `examples/flow-prompt-login`.
 */
export async function matrixSubjects(pluginModules: readonly string[] = []): Promise<Subject[]> {
  const subjects = [...(await firstPartySubjects())];
  for (const path of pluginModules.filter((module) => existsSync(module))) {
    const label = path.replace(/^.*[/\\]([^/\\]+[/\\][^/\\]+)[/\\]dist[/\\].*$/, '$1');
    subjects.push(...(await subjectsForPlugin(path, { label })));
  }
  return subjects;
}
