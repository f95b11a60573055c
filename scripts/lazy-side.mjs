// What the chunks a package loads with `import()` (its lazy side) take from the modules its entry
// already holds, for scripts/bundle-package.mjs: the names the entry exports come from the entry
// itself (one instance, whatever state is behind them); a module the lazy side needs other names
// of is copied into the lazy chunks, and only if it holds no module-level state — a copy of state
// would be a second instance (a second `warnOnce` memory, a second `OidcflowError` class for
// `instanceof`), so the build fails instead, naming the module and the line.
// Works on tsc's output (plain ES modules, relative imports with their `.js`).
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseAst } from 'rolldown/parseAst';

/** `import … from` / `export … from` of this package: the target file and the names taken ('*' = all). */
function staticImportsOf(program, file) {
  const imports = new Map();
  const add = (source, names) => {
    if (!source.startsWith('.')) return;
    const target = resolve(dirname(file), source);
    const taken = imports.get(target) ?? new Set();
    for (const name of names) taken.add(name);
    imports.set(target, taken);
  };
  const nameOf = (node) => node.name ?? node.value;
  for (const node of program.body) {
    if (node.type === 'ImportDeclaration') {
      add(
        node.source.value,
        node.specifiers.map((specifier) =>
          specifier.type === 'ImportSpecifier'
            ? nameOf(specifier.imported)
            : specifier.type === 'ImportDefaultSpecifier'
              ? 'default'
              : '*',
        ),
      );
    } else if (node.type === 'ExportNamedDeclaration' && node.source) {
      add(
        node.source.value,
        node.specifiers.map((specifier) => nameOf(specifier.local)),
      );
    } else if (node.type === 'ExportAllDeclaration') {
      add(node.source.value, ['*']);
    }
  }
  return imports;
}

/** Calls `visit(node, parent)` on `node` and every node below it. */
function walk(node, visit, parent = undefined) {
  if (!node || typeof node.type !== 'string') return;
  visit(node, parent);
  for (const value of Object.values(node)) {
    if (Array.isArray(value)) for (const item of value) walk(item, visit, node);
    else if (value && typeof value === 'object' && typeof value.type === 'string') walk(value, visit, node);
  }
}

/** `import('./x.js')` of this package: the target files. */
function dynamicImportsOf(program, file) {
  const targets = new Set();
  walk(program, (node) => {
    const source = node.type === 'ImportExpression' ? node.source : undefined;
    if (source?.type === 'Literal' && typeof source.value === 'string' && source.value.startsWith('.'))
      targets.add(resolve(dirname(file), source.value));
  });
  return targets;
}

/** The package's module graph, read from the files as it is walked. */
function moduleGraph() {
  const modules = new Map();
  return (file) => {
    if (!modules.has(file)) {
      const source = readFileSync(file, 'utf8');
      const program = parseAst(source, null, file);
      modules.set(file, {
        source,
        program,
        imports: staticImportsOf(program, file),
        dynamicImports: dynamicImportsOf(program, file),
      });
    }
    return modules.get(file);
  };
}

// Module-level state, as this check sees it: a `let` or `var`, a class (its identity), a
// top-level statement that runs something, and a `const` that is written (a member assigned or
// deleted, or a collection method that changes it, called in its own module) or whose value is
// made by a call or `new` other than one of the calls below or a table of constants: `new Set([…])`
// and the like, filled at once, not exported, and used only as `TABLE.has(…)`, `TABLE[i]`, … (a
// table handed on as a value — a default parameter, an argument — could be written elsewhere).
// An empty object, array or collection is state (it is there to be filled). Other object and
// array literals count as constants when nothing in their module writes them (the project's
// module constants are readonly types); what another module does with an exported one is not checked.
const CONSTANT_CALLS = new Set(['Symbol.for', 'Object.freeze', 'process.getBuiltinModule']);
const TABLE_CLASSES = new Set([
  'Set',
  'Map',
  'RegExp',
  'Uint8Array',
  'Uint16Array',
  'Uint32Array',
  'Int32Array',
]);
const WRITING_METHODS = new Set([
  'add',
  'set',
  'delete',
  'clear',
  'push',
  'pop',
  'shift',
  'unshift',
  'splice',
  'sort',
  'reverse',
  'fill',
  'copyWithin',
]);

const calleeText = (node) =>
  node.type === 'Identifier'
    ? node.name
    : node.type === 'MemberExpression' && !node.computed
      ? `${calleeText(node.object)}.${node.property.name}`
      : '';

/** Whether evaluating `node` once at load makes nothing a later call could observe as shared. */
function isConstant(node, table) {
  if (!node) return true;
  switch (node.type) {
    case 'Literal':
    case 'Identifier':
    case 'ArrowFunctionExpression':
    case 'FunctionExpression':
      return true;
    case 'TemplateLiteral':
      return node.expressions.every((part) => isConstant(part));
    case 'ArrayExpression':
      return node.elements.length > 0 && node.elements.every((element) => isConstant(element));
    case 'ObjectExpression':
      return (
        node.properties.length > 0 &&
        node.properties.every((property) =>
          property.type === 'SpreadElement'
            ? isConstant(property.argument)
            : (!property.computed || isConstant(property.key)) && isConstant(property.value),
        )
      );
    case 'SpreadElement':
      return isConstant(node.argument);
    case 'UnaryExpression':
      return node.operator !== 'delete' && isConstant(node.argument);
    case 'BinaryExpression':
    case 'LogicalExpression':
      return isConstant(node.left) && isConstant(node.right);
    case 'ConditionalExpression':
      return isConstant(node.test) && isConstant(node.consequent) && isConstant(node.alternate);
    case 'MemberExpression':
      return isConstant(node.object) && (!node.computed || isConstant(node.property));
    case 'ParenthesizedExpression':
      return isConstant(node.expression, table);
    case 'CallExpression':
      return (
        CONSTANT_CALLS.has(calleeText(node.callee)) &&
        node.arguments.every((argument) => isConstant(argument))
      );
    case 'NewExpression':
      return (
        table &&
        TABLE_CLASSES.has(calleeText(node.callee)) &&
        node.arguments.length > 0 &&
        node.arguments.every((argument) => isConstant(argument))
      );
    default:
      return false;
  }
}

/** Names a declarator binds (`const { a, b: c } = …` binds a and c). */
function boundNames(pattern, names = []) {
  if (!pattern) return names;
  if (pattern.type === 'Identifier') names.push(pattern.name);
  else if (pattern.type === 'ObjectPattern')
    for (const property of pattern.properties) boundNames(property.value ?? property.argument, names);
  else if (pattern.type === 'ArrayPattern')
    for (const element of pattern.elements) boundNames(element, names);
  else if (pattern.type === 'RestElement') boundNames(pattern.argument, names);
  else if (pattern.type === 'AssignmentPattern') boundNames(pattern.left, names);
  return names;
}

/** Module-level names used otherwise than as `NAME.member` or `NAME[index]` (handed on as values). */
function escapingNames(program, names, declarators) {
  const escaping = new Set();
  walk(program, (node, parent) => {
    if (node.type !== 'Identifier' || !names.has(node.name)) return;
    if (
      parent?.type === 'MemberExpression' &&
      (parent.object === node || (parent.property === node && !parent.computed))
    )
      return;
    if (parent?.type === 'Property' && parent.key === node && !parent.computed && !parent.shorthand) return;
    if (parent?.type === 'VariableDeclarator' && parent.id === node && declarators.has(parent)) return;
    escaping.add(node.name);
  });
  return escaping;
}

/** The module-level `const` names the module writes through somewhere (see above). */
function writtenConstants(program, constants) {
  const written = new Set();
  const rootName = (node) => {
    while (node?.type === 'MemberExpression') node = node.object;
    return node?.type === 'Identifier' && constants.has(node.name) ? node.name : undefined;
  };
  walk(program, (node) => {
    let target;
    if (node.type === 'AssignmentExpression' && node.left.type === 'MemberExpression') target = node.left;
    else if (node.type === 'UpdateExpression' && node.argument.type === 'MemberExpression')
      target = node.argument;
    else if (node.type === 'UnaryExpression' && node.operator === 'delete') target = node.argument;
    else if (
      node.type === 'CallExpression' &&
      node.callee.type === 'MemberExpression' &&
      !node.callee.computed &&
      WRITING_METHODS.has(node.callee.property.name)
    )
      target = node.callee.object;
    else if (node.type === 'CallExpression' && calleeText(node.callee) === 'Object.assign')
      target = node.arguments[0];
    const name = rootName(target);
    if (name) written.add(name);
  });
  return written;
}

/** The module-level state of the module in `file` (see moduleStateOf). */
export function moduleStateOfFile(file) {
  const source = readFileSync(file, 'utf8');
  return moduleStateOf({ source, program: parseAst(source, null, file) });
}

/**
 * The module-level state of the module in `file` and of every module of its package it loads,
 * statically or with `import()` (relative imports): `{ file, reasons }` for each module that
 * holds some. Another package's build inlines a package only when this is empty (the copy is
 * then the whole graph, chunks included: a chunk's state would be a second instance too).
 */
export function moduleStateOfGraph(file) {
  const graph = moduleGraph();
  const seen = new Set();
  const pending = [file];
  const stateful = [];
  while (pending.length > 0) {
    const current = pending.pop();
    if (seen.has(current)) continue;
    seen.add(current);
    const module = graph(current);
    const reasons = moduleStateOf(module);
    if (reasons.length > 0) stateful.push({ file: current, reasons });
    pending.push(...module.imports.keys(), ...module.dynamicImports);
  }
  return stateful;
}

/** The module-level state of a module, as "line: text" reasons (none: it may be copied). */
export function moduleStateOf({ source, program }) {
  const reasons = [];
  const lineOf = (node) => {
    const line = source.slice(0, node.start).split('\n').length;
    const text = source.slice(node.start, node.end).split('\n')[0];
    return `line ${line}: ${text.length > 100 ? `${text.slice(0, 100)}…` : text}`;
  };
  const constants = new Map();
  for (const statement of program.body) {
    const exported =
      statement.type === 'ExportNamedDeclaration' || statement.type === 'ExportDefaultDeclaration';
    const node = exported ? statement.declaration : statement;
    if (!node) continue; // `export { … }` and `export … from`
    if (
      node.type === 'ImportDeclaration' ||
      node.type === 'ExportAllDeclaration' ||
      node.type === 'FunctionDeclaration' ||
      (node.type === 'ExpressionStatement' && node.directive)
    )
      continue;
    if (node.type === 'VariableDeclaration' && node.kind === 'const') {
      for (const declarator of node.declarations) {
        if (!isConstant(declarator.init, !exported)) reasons.push(lineOf(declarator));
        for (const name of boundNames(declarator.id)) constants.set(name, declarator);
      }
      continue;
    }
    // let / var, a class, a statement that runs at load, an exported expression.
    reasons.push(lineOf(node));
  }
  for (const name of writtenConstants(program, constants))
    reasons.push(`${lineOf(constants.get(name))} (written)`);
  const tables = new Map(
    [...constants].filter(([, declarator]) => declarator.init?.type === 'NewExpression'),
  );
  const declarators = new Set(tables.values());
  for (const name of escapingNames(program, new Set(tables.keys()), declarators))
    reasons.push(`${lineOf(tables.get(name))} (handed on as a value)`);
  return reasons;
}

/**
 * The lazy side of a package with these exported entries (absolute paths of tsc's files).
 * Returns the lazily loaded modules (each a chunk's entry), for each module an entry holds and
 * the lazy side takes only public names from: the entry file and the names (module's → public),
 * the entry's modules copied into the lazy side, and those of them to put in a chunk of copies. Throws when a copy would hold state, when
 * a lazy chunk would `import()` a module the entry holds, or when an entry uses `export *`.
 */
export function planLazySide(entryFiles) {
  const moduleOf = moduleGraph();
  const reach = (roots, follow) => {
    const seen = new Set();
    const pending = [...roots];
    while (pending.length > 0) {
      const file = pending.pop();
      if (seen.has(file)) continue;
      seen.add(file);
      pending.push(...follow(moduleOf(file)));
    }
    return seen;
  };
  const staticOnly = (module) => module.imports.keys();
  const entryHeld = reach(entryFiles, staticOnly);
  const everything = reach(entryFiles, (module) => [...module.imports.keys(), ...module.dynamicImports]);
  const lazyRoots = new Set([...everything].flatMap((file) => [...moduleOf(file).dynamicImports]));
  for (const root of lazyRoots) {
    if (entryHeld.has(root)) throw new Error(`${root} is loaded with import() but an entry holds it already`);
  }

  /** Module → { entry, names: Map(its name → the entry's public name) }. */
  const publicNames = new Map();
  for (const entry of entryFiles) {
    for (const node of moduleOf(entry).program.body) {
      if (node.type === 'ExportAllDeclaration')
        throw new Error(`${entry}: \`export *\` — list the names, so the lazy side knows them`);
      if (node.type !== 'ExportNamedDeclaration' || !node.source) continue;
      const target = resolve(dirname(entry), node.source.value);
      if (publicNames.has(target) && publicNames.get(target).entry !== entry) continue;
      const names = publicNames.get(target)?.names ?? new Map();
      for (const specifier of node.specifiers) {
        const local = specifier.local.name ?? specifier.local.value;
        if (!names.has(local)) names.set(local, specifier.exported.name ?? specifier.exported.value);
      }
      publicNames.set(target, { entry, names });
    }
  }

  // The entry's modules the lazy side asks for names the entry does not export are copied; a
  // copy's own imports count as the lazy side's, until nothing more is copied.
  const copied = new Set();
  for (;;) {
    const lazyOwn = reach(lazyRoots, (module) =>
      [...module.imports.keys()].filter((file) => !entryHeld.has(file)),
    );
    const asked = new Map();
    for (const file of [...lazyOwn, ...copied]) {
      for (const [target, names] of moduleOf(file).imports) {
        if (!entryHeld.has(target)) continue;
        const taken = asked.get(target) ?? new Set();
        for (const name of names) taken.add(name);
        asked.set(target, taken);
      }
    }
    const more = [...asked].filter(
      ([target, names]) =>
        !copied.has(target) &&
        !entryFiles.includes(target) &&
        [...names].some((name) => !publicNames.get(target)?.names.has(name)),
    );
    if (more.length === 0) break;
    for (const [target] of more) copied.add(target);
  }

  const stateful = [...copied].flatMap((file) =>
    moduleStateOf(moduleOf(file)).map((reason) => `  ${file} ${reason}`),
  );
  if (stateful.length > 0) {
    throw new Error(
      'lazily loaded chunks would hold their own copy of module-level state the entry holds too:\n' +
        `${stateful.join('\n')}\n` +
        'Give the lazy side those names through the entry (documented exports) or keep the state elsewhere.',
    );
  }
  const fromEntry = new Map([...publicNames].filter(([file]) => !copied.has(file)));

  // Where each copy goes. The bundler puts a module into the chunk of the lazily loaded module
  // that exactly the same chunks load (a copy only the profile's two chunks use goes with the
  // one the other imports); a copy without such a chunk is shared by chunks that load different
  // things, and goes into one chunk of copies (not one file per copy).
  const inLazyBuild = (module) => [...module.imports.keys()].filter((file) => !fromEntry.has(file));
  const closures = [...lazyRoots].map((root) => reach([root], inLazyBuild));
  const usersOf = (file) => [...lazyRoots].filter((_, place) => closures[place].has(file)).join('\n');
  const rootUsers = new Set([...lazyRoots].map(usersOf));
  const copiesApart = new Set([...copied].filter((file) => !rootUsers.has(usersOf(file))));
  return { lazyRoots, fromEntry, copied, copiesApart };
}
