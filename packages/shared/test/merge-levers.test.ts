import { describe, expect, it } from 'vitest';
import { isAlreadyInSpace, mergeFixes, type Fix, type SerializedSpace } from '../src/index.ts';
import { shopSpace } from './apply-fixtures.ts';

const join: Fix = { kind: 'join_spec', left: { table: 'main.shop.sales', alias: 's' }, right: { table: 'main.shop.items', alias: 'i' }, sql: 's.item_ref = i.item_id', relationship_type: 'MANY_TO_ONE', rationale: 'r' };
const composite: Fix = { ...join, sql: 's.item_ref = i.item_id AND s.shop = i.shop' } as Fix;
const measure: Fix = { kind: 'sql_snippet', snippet_type: 'measure', alias: 'margin', display_name: 'Margin', sql: 'SUM(net_amt - cost)', synonyms: ['profit', 'Profit'], instruction: 'Use for profit.', rationale: 'r' };
const filter: Fix = { kind: 'sql_snippet', snippet_type: 'filter', alias: 'digital', display_name: 'Digital', sql: "ch IN ('WEB', 'APP')", rationale: 'r' };

describe('merging join specs and SQL snippets into serialized_space', () => {
  it('writes them in the documented shapes, ids 32 hex and lists sorted by id', () => {
    const { space, applied, skipped } = mergeFixes(shopSpace(), [join, measure, filter]);
    expect(skipped).toEqual([]);
    expect(applied).toEqual([join, measure, filter]);
    expect(space.instructions?.join_specs).toEqual([{ id: expect.stringMatching(/^[0-9a-f]{32}$/), left: { identifier: 'main.shop.sales', alias: 's' }, right: { identifier: 'main.shop.items', alias: 'i' }, sql: ['s.item_ref = i.item_id'], relationship_type: 'MANY_TO_ONE' }]);
    expect(space.instructions?.sql_snippets?.measures).toEqual([{ id: expect.stringMatching(/^[0-9a-f]{32}$/), alias: 'margin', display_name: 'Margin', sql: ['SUM(net_amt - cost)'], synonyms: ['profit'], instruction: ['Use for profit.\n'] }]);
    expect(space.instructions?.sql_snippets?.filters?.[0]).toMatchObject({ alias: 'digital', display_name: 'Digital', sql: ["ch IN ('WEB', 'APP')"] });
  });

  it('the relationship field can be left out (its spelling is uncertain)', () => {
    const { space } = mergeFixes(shopSpace(), [join], { joinRelationshipField: null });
    expect(space.instructions?.join_specs?.[0]).not.toHaveProperty('relationship_type');
  });

  it('a different join for the same two tables replaces the old one (id kept); the same one is already present', () => {
    const first = mergeFixes(shopSpace(), [join]).space;
    const id = first.instructions!.join_specs![0].id;
    const flipped = { ...join, left: { table: 'main.shop.items', alias: 'x' }, right: { table: 'main.shop.sales', alias: 'y' }, sql: 'y.item_ref = x.item_id' } as Fix;
    expect(isAlreadyInSpace(flipped, first)).toBe(true);
    expect(mergeFixes(first, [flipped]).skipped[0].reason).toMatch(/already has this join spec/);
    expect(isAlreadyInSpace(composite, first)).toBe(false);
    const replaced = mergeFixes(first, [composite]).space.instructions!.join_specs!;
    expect(replaced).toEqual([expect.objectContaining({ id, sql: ['s.item_ref = i.item_id AND s.shop = i.shop'] })]);
  });

  it('skips a join spec over a table the space lacks, or with SQL other than equalities of the two aliases, with the reason', () => {
    const unknown = { ...join, right: { table: 'main.shop.nope', alias: 'n' } } as Fix;
    const bad = { ...join, sql: 's.item_ref > i.item_id' } as Fix;
    const { skipped } = mergeFixes(shopSpace(), [unknown, bad]);
    expect(skipped.map((s) => s.reason)).toEqual(['table main.shop.nope is not in the space', 'join SQL must be equalities between s.<column> and i.<column>, joined by AND']);
  });

  it('a second snippet with an alias the space has is skipped', () => {
    const space: SerializedSpace = mergeFixes(shopSpace(), [measure]).space;
    expect(mergeFixes(space, [{ ...measure, sql: 'SUM(net_amt)' } as Fix]).skipped[0].reason).toBe('the space already has a measure named margin');
  });
});
