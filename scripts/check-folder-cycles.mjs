// Fails when the folders under src/ import each other in a cycle (run by `npm run check`).
// A folder is a top-level directory of src/ (src/delivery/thread belongs to delivery); each file
// directly in src/ (config.ts, context.ts, main.ts, …) is a node of its own. Relative imports count.
import fs from 'node:fs';
import path from 'node:path';

const SRC = path.resolve(import.meta.dirname, '..', 'src');
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

function* sourceFiles(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'dist' && entry.name !== 'public') yield* sourceFiles(full);
    } else if (/\.(ts|tsx|mts|js|mjs)$/.test(entry.name)) yield full;
  }
}

const folderOf = (file) => {
  const rel = path.relative(SRC, file).split(path.sep);
  return rel.length === 1 ? rel[0] : `${rel[0]}/`;
};

/** folder → (imported folder → one example "file → import"). */
const edges = new Map();
for (const file of sourceFiles(SRC)) {
  const from = folderOf(file);
  const text = fs.readFileSync(file, 'utf8');
  for (const match of text.matchAll(IMPORT)) {
    const target = path.resolve(path.dirname(file), match[1] ?? match[2]);
    if (!target.startsWith(SRC + path.sep)) continue;
    const to = folderOf(target);
    if (to === from) continue;
    if (!edges.has(from)) edges.set(from, new Map());
    const out = edges.get(from);
    if (!out.has(to)) out.set(to, `${path.relative(SRC, file)} → ${match[1] ?? match[2]}`);
  }
}

// Depth-first search for back edges; each cycle is reported once with an example import per step.
const cycles = [];
const state = new Map();
const stack = [];
function visit(node) {
  state.set(node, 'open');
  stack.push(node);
  for (const next of edges.get(node)?.keys() ?? []) {
    if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
    else if (!state.has(next)) visit(next);
  }
  stack.pop();
  state.set(node, 'done');
}
for (const node of [...edges.keys()].sort()) if (!state.has(node)) visit(node);

if (cycles.length > 0) {
  console.error('Folder import cycles under src/ (a folder may import another only one way):');
  for (const cycle of cycles) {
    console.error(`  ${cycle.join(' → ')}`);
    for (let i = 0; i < cycle.length - 1; i++) console.error(`    ${edges.get(cycle[i]).get(cycle[i + 1])}`);
  }
  process.exit(1);
}
console.log(`No folder import cycles under src/ (${edges.size} folders).`);
