/**
 * Heap breakdown for the registration-scale benchmark: V8 heap snapshots before the user agents
 * exist and once they are registered and idle, each summed by kind of object (constructor name
 * for objects, function name for closures, V8's own name for its internal objects such as
 * `(Context)` (a closure's captured scope), the node type for the rest: `(array)` is V8's internal
 * arrays, i.e. property and element backing stores and Map/Set tables). The difference
 * divided by N says what one registered user agent holds. Snapshots are written to a temporary
 * file and deleted after reading.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';

/** Takes a heap snapshot and returns `Map<kind, { count, bytes }>` (self sizes). */
export function heapByKind() {
  const dir = mkdtempSync(join(tmpdir(), 'sipkit-scale-heap-'));
  try {
    const file = writeHeapSnapshot(join(dir, 'heap.heapsnapshot'));
    const snap = JSON.parse(readFileSync(file, 'utf8'));
    const meta = snap.snapshot.meta;
    const fields = meta.node_fields;
    const width = fields.length;
    const typeAt = fields.indexOf('type');
    const nameAt = fields.indexOf('name');
    const sizeAt = fields.indexOf('self_size');
    const types = meta.node_types[0];
    const { nodes, strings } = snap;
    const out = new Map();
    for (let i = 0; i < nodes.length; i += width) {
      const type = types[nodes[i + typeAt]];
      const name = strings[nodes[i + nameAt]];
      let kind;
      if (name.startsWith('system / ')) kind = `(${name.slice(9)})`;
      else if (type === 'object') kind = name;
      else if (type === 'closure') kind = `${name || '(anonymous)'}()`;
      else kind = `(${type})`;
      const entry = out.get(kind) ?? { count: 0, bytes: 0 };
      entry.count++;
      entry.bytes += nodes[i + sizeAt];
      out.set(kind, entry);
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Per-UA growth between two `heapByKind()` results: the top `limit` kinds by bytes, and the named
 * objects every UA holds at least one of, by count.
 */
export function perAgent(before, after, n, limit = 15) {
  const rows = [];
  let total = 0;
  for (const [kind, a] of after) {
    const b = before.get(kind) ?? { count: 0, bytes: 0 };
    const bytes = (a.bytes - b.bytes) / n;
    total += bytes;
    rows.push({ kind, bytes, count: (a.count - b.count) / n });
  }
  rows.sort((x, y) => y.bytes - x.bytes);
  // Named objects (classes, not V8 internals or closures) that each UA has at least one of, most first.
  const objects = rows
    .filter((r) => !r.kind.startsWith('(') && !r.kind.endsWith('()') && r.count >= 0.95)
    .sort((x, y) => y.count - x.count);
  return { totalBytesPerAgent: total, top: rows.slice(0, limit), objects };
}
