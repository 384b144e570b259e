#!/usr/bin/env node
// Import-graph check over the repository's code: src/ (each top-level folder of src/ one node, files directly in
// src/ the node "src/(root)"), bench/ and scripts/ (one node each). No cycle between the nodes, and nothing
// imports src/cli (the command line is the outer shell: it may import any folder, no folder may import it; the
// benchmarks and scripts reach the toolkit through the library, or run the built CLI as a process). test/ is not
// checked: the tests exercise the CLI too.
//
// Reads every .ts/.mts/.js/.mjs/.cjs file of those folders, takes the relative specifiers of `import … from '…'`,
// `export … from '…'`, `import '…'`, `import('…')` and `import(join(root, '…'))` (a path from the repository
// root) outside comments and strings (type-only imports count too: a folder that needs another's types depends
// on it), folds the file graph into a folder graph and looks for strongly connected components. A path into
// dist/ counts as the source it was built from (dist/src/io/… is src/io).
//
// A folder may also be reserved for the layers above it (IMPORTED_ONLY_BY): src/analysis, the pipelines (file
// in, typed result out), is imported only by cli, web, study and the package entry; it may import every library
// folder, no folder below may import it. bench/ and scripts/ stand above the library, beside the CLI: they may
// import any folder of src/ but src/cli.
//
// Usage: node scripts/check-imports.mjs [--json] [repoDir]. Exit 0 when clean, 1 with one line per problem
// (each cycle is printed with the file-level imports that close it). A directory without a src/ folder is taken
// as a src/ tree itself.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const asJson = args.includes('--json');
const rootArg = args.find((a) => !a.startsWith('--'));
const ROOT = resolve(rootArg ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
/** The directory given is a src/ tree itself (no src/ folder in it). */
const SRC_ONLY = !existsSync(join(ROOT, 'src'));
/** Folders outside src/ that are one node each. */
const WHOLE = ['bench', 'scripts'];
const SHELL = 'src/cli';
/** Folders that only the listed folders may import (the layers above them). */
const IMPORTED_ONLY_BY = { 'src/analysis': ['src/cli', 'src/web', 'src/study', 'src/(root)'] };
const CODE = /\.(ts|mts|js|mjs|cjs)$/;

/** Every code file under dir (declaration files excluded), as absolute paths; none when dir does not exist. */
function codeFiles(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...codeFiles(p));
    else if (CODE.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/**
 * The source with comments removed and every string or template literal replaced by a placeholder `'@N'`
 * (N indexes `literals`), so that neither a comment nor the text of a string can look like an import.
 */
function tokens(text) {
  let code = '';
  const literals = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '/' && next === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
      code += ' ';
    } else if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
      literals.push(c === '`' ? null : text.slice(i + 1, j));
      code += `'@${literals.length - 1}'`;
      i = j + 1;
    } else {
      code += c;
      i++;
    }
  }
  return { code, literals };
}

const STATIC = /\b(?:import|export)\s+(?:type\s+)?[\w*{}\s,$]*?\s*from\s*'@(\d+)'/g;
const BARE = /\bimport\s*'@(\d+)'/g;
const DYNAMIC = /\bimport\s*\(\s*'@(\d+)'\s*\)/g;
const FROM_ROOT = /\bimport\s*\(\s*join\s*\(\s*root\s*,\s*'@(\d+)'\s*\)\s*\)/g;

/** The absolute paths a file imports (relative specifiers, and paths joined to the repository root). */
function importTargets(file, text) {
  const { code, literals } = tokens(text);
  const targets = [];
  for (const re of [STATIC, BARE, DYNAMIC, FROM_ROOT]) {
    for (const m of code.matchAll(re)) {
      const spec = literals[Number(m[1])];
      if (spec === null) continue;
      if (re === FROM_ROOT) targets.push({ spec, path: resolve(ROOT, spec) });
      else if (spec.startsWith('.')) targets.push({ spec, path: resolve(dirname(file), spec) });
    }
  }
  return targets;
}

/**
 * The node a path belongs to: "src/<folder>" ("src/(root)" for files directly in src/), "bench" or "scripts"
 * (the same for their build under dist/), or null elsewhere.
 */
function folderOf(absPath) {
  let parts = relative(ROOT, absPath).split(sep);
  if (SRC_ONLY) parts = ['src', ...parts];
  if (parts[0] === 'dist') parts = parts.slice(1);
  if (parts[0] === 'src' && parts.length > 1) return parts.length === 2 ? 'src/(root)' : `src/${parts[1]}`;
  return parts.length > 1 && WHOLE.includes(parts[0]) ? parts[0] : null;
}

/** Folder graph: from → to → list of "file → specifier" witnesses. */
function folderGraph() {
  const graph = new Map();
  const dirs = SRC_ONLY ? [ROOT] : ['src', ...WHOLE].map((d) => join(ROOT, d));
  for (const file of dirs.flatMap((d) => codeFiles(d))) {
    const from = folderOf(file);
    if (!graph.has(from)) graph.set(from, new Map());
    for (const { spec, path } of importTargets(file, readFileSync(file, 'utf8'))) {
      const to = folderOf(path);
      if (to === null || to === from) continue;
      const edges = graph.get(from);
      if (!edges.has(to)) edges.set(to, []);
      edges.get(to).push(`${relative(ROOT, file).split(sep).join('/')} → ${spec}`);
    }
  }
  for (const edges of [...graph.values()]) for (const to of edges.keys()) if (!graph.has(to)) graph.set(to, new Map());
  return graph;
}

/** Strongly connected components with more than one folder (Tarjan). */
function cycles(graph) {
  let index = 0;
  const idx = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const found = [];
  const visit = (v) => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v).keys()) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v), idx.get(w)));
      }
    }
    if (low.get(v) === idx.get(v)) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!idx.has(v)) visit(v);
  return found;
}

const graph = folderGraph();
const problems = [];
for (const component of cycles(graph)) {
  const members = new Set(component);
  const edges = [];
  for (const from of component) {
    for (const [to, witnesses] of graph.get(from)) {
      if (members.has(to)) edges.push({ from, to, imports: witnesses });
    }
  }
  problems.push({ kind: 'cycle', folders: component, edges });
}
for (const [from, edges] of graph) {
  if (from !== SHELL && edges.has(SHELL)) {
    problems.push({ kind: 'imports-cli', folders: [from, SHELL], edges: [{ from, to: SHELL, imports: edges.get(SHELL) }] });
  }
}
for (const [from, edges] of graph) {
  for (const [to, allowed] of Object.entries(IMPORTED_ONLY_BY)) {
    if (from !== to && edges.has(to) && !allowed.includes(from) && !WHOLE.includes(from)) {
      problems.push({ kind: 'imports-upward', folders: [from, to], edges: [{ from, to, imports: edges.get(to) }] });
    }
  }
}
/** `cli, web` for the folders that may import a reserved folder. */
const allowedText = (to) => IMPORTED_ONLY_BY[to].map((f) => f.replace(/^src\//, '')).join(', ');

if (asJson) {
  const folders = Object.fromEntries([...graph].sort().map(([f, e]) => [f, [...e.keys()].sort()]));
  console.log(JSON.stringify({ ok: problems.length === 0, folders, problems }, null, 2));
} else if (problems.length === 0) {
  const src = [...graph.keys()].filter((f) => f.startsWith('src/')).length;
  const others = [...graph.keys()].filter((f) => !f.startsWith('src/'));
  console.log(
    `import graph: ${src} folders of src/${others.length ? ` and ${others.join(', ')}` : ''}, no cycle between them, nothing imports ${SHELL}` +
      Object.keys(IMPORTED_ONLY_BY)
        .filter((f) => graph.has(f))
        .map((f) => `, ${f} imported only by ${allowedText(f)}`)
        .join(''),
  );
} else {
  for (const p of problems) {
    const title =
      p.kind === 'cycle'
        ? `folder cycle: ${p.folders.join(' ↔ ')}`
        : p.kind === 'imports-upward'
          ? `${p.folders[0]} imports ${p.folders[1]} (only ${allowedText(p.folders[1])} may)`
          : `${p.folders[0]} imports ${SHELL}`;
    console.error(title);
    for (const e of p.edges) {
      console.error(`  ${e.from} → ${e.to}:`);
      for (const w of e.imports) console.error(`    ${w}`);
    }
  }
}
process.exit(problems.length === 0 ? 0 : 1);
