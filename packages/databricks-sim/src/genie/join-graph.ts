import type { SerializedSpace } from '@genie-enhancer/shared';
import { joinConditions, joinLines } from '@genie-enhancer/shared';
import { joinFromDescription, splitQualified, type JoinEdge } from './instructions.ts';
import type { Lexicon, TableInfo } from './lexicon.ts';
import { shortName } from './text.ts';

const KEY_COLUMN = /(^id$|_id$|_key$)/i;

/** Resolves a table written in full (catalog.schema.table) or by a shorter suffix (items, shop.items). */
export function findTable(lexicon: Lexicon, name: string): TableInfo | undefined {
  const lower = name.toLowerCase();
  return lexicon.tables.find((t) => t.identifier === lower) ?? lexicon.tables.find((t) => t.identifier.endsWith(`.${lower}`));
}

/** Every join the space declares or implies: join specs, instructions, descriptions, same-named keys. */
export function joinEdges(space: SerializedSpace, lexicon: Lexicon, instructionJoins: JoinEdge[]): JoinEdge[] {
  const edges: JoinEdge[] = [];
  const add = (edge: JoinEdge | undefined) => {
    if (!edge) return;
    const left = findTable(lexicon, edge.left);
    const right = findTable(lexicon, edge.right);
    if (left && right && left !== right) edges.push({ ...edge, left: left.identifier, right: right.identifier });
  };
  // join specs first: the path they declare wins over any inferred one
  for (const spec of space.instructions?.join_specs ?? []) {
    const leftAlias = spec.left.alias ?? shortName(spec.left.identifier);
    const rightAlias = spec.right.alias ?? shortName(spec.right.identifier);
    const pairs = joinConditions(joinLines(spec.sql), leftAlias, rightAlias);
    if (!pairs) continue;
    const [first, ...more] = pairs;
    add({ left: spec.left.identifier, leftColumn: first.leftColumn, right: spec.right.identifier, rightColumn: first.rightColumn, ...(more.length ? { more } : {}) });
  }
  instructionJoins.forEach(add);
  for (const table of lexicon.tables) {
    for (const column of table.columns) add(joinFromDescription(table.identifier, column.name, column.description));
  }
  for (const a of lexicon.tables) {
    for (const b of lexicon.tables) {
      if (a.identifier >= b.identifier) continue;
      for (const column of a.columns) {
        if (KEY_COLUMN.test(column.name) && b.columns.some((c) => c.name.toLowerCase() === column.name.toLowerCase())) {
          add({ left: a.identifier, leftColumn: column.name, right: b.identifier, rightColumn: column.name });
        }
      }
    }
  }
  return edges;
}

/** Shortest join path from `from` to `to` (breadth-first, deterministic), as edges oriented from → to. */
export function joinPath(edges: JoinEdge[], from: string, to: string): JoinEdge[] | undefined {
  if (from === to) return [];
  const previous = new Map<string, JoinEdge>();
  const queue = [from];
  const seen = new Set([from]);
  while (queue.length) {
    const node = queue.shift()!;
    for (const edge of edges) {
      const oriented = edge.left === node ? edge : edge.right === node ? flip(edge) : undefined;
      if (!oriented || seen.has(oriented.right)) continue;
      seen.add(oriented.right);
      previous.set(oriented.right, oriented);
      if (oriented.right === to) {
        const path: JoinEdge[] = [];
        for (let at = to; at !== from; at = previous.get(at)!.left) path.unshift(previous.get(at)!);
        return path;
      }
      queue.push(oriented.right);
    }
  }
  return undefined;
}

function flip(edge: JoinEdge): JoinEdge {
  const more = edge.more?.map((p) => ({ leftColumn: p.rightColumn, rightColumn: p.leftColumn }));
  return { left: edge.right, leftColumn: edge.rightColumn, right: edge.left, rightColumn: edge.leftColumn, ...(more ? { more } : {}) };
}

/** The ON condition of a join edge between two aliases. */
export function onCondition(edge: JoinEdge, leftAlias: string, rightAlias: string): string {
  const pairs = [{ leftColumn: edge.leftColumn, rightColumn: edge.rightColumn }, ...(edge.more ?? [])];
  return pairs.map((p) => `${leftAlias}.${p.leftColumn} = ${rightAlias}.${p.rightColumn}`).join(' AND ');
}

export { splitQualified };
