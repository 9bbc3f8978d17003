import type { SerializedSpace } from '@genie-enhancer/shared';
import { joinConditions, joinLines } from '@genie-enhancer/shared';
import { joinFromDescription, splitQualified, type JoinEdge } from './instructions.ts';
import type { Lexicon, TableInfo } from './lexicon.ts';
import { identifierStems, shortName } from './text.ts';

/** A same-named column joins two tables only when its name says which entity it keys: a bare `id` keys every table. */
const KEY_COLUMN = /(_id$|_key$)/i;
/** Columns that key their own table's rows: id, code, key, or the entity's name + one of them (AbcId). */
const OWN_KEY = /^(id|code|key)$/i;

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
  for (const edge of namedForeignKeys(lexicon)) add(edge);
  return edges;
}

/**
 * The usual foreign-key naming: a column of A named after table B ("abc", "abc_code", "AbcCode") refers
 * to B's own key (id, code, or B's entity name + id / code). The two columns must have comparable types.
 */
function namedForeignKeys(lexicon: Lexicon): JoinEdge[] {
  const out: JoinEdge[] = [];
  const head = (t: TableInfo) => t.entity[t.entity.length - 1];
  for (const b of lexicon.tables) {
    const keys = b.columns.filter((c) => OWN_KEY.test(c.name) || (identifierWords(c.name).length === 2 && names(identifierWords(c.name)[0], head(b)) && OWN_KEY.test(identifierWords(c.name)[1])));
    if (keys.length !== 1 || !head(b)) continue;
    const key = keys[0];
    const keySuffix = identifierWords(key.name).at(-1)!;
    for (const a of lexicon.tables) {
      if (a === b) continue;
      for (const column of a.columns) {
        const w = identifierWords(column.name);
        const named = (w.length === 1 && w[0] === head(b)) || (w.length === 2 && w[0] === head(b) && w[1] === keySuffix);
        if (!named || column.numeric !== key.numeric) continue;
        out.push({ left: a.identifier, leftColumn: column.name, right: b.identifier, rightColumn: key.name });
      }
    }
  }
  return out;
}

const identifierWords = (name: string) => identifierStems(name);
/** An id prefix may abbreviate the entity (its first three letters or more). */
const names = (word: string, entity: string) => word === entity || (word.length >= 3 && entity.startsWith(word));

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
