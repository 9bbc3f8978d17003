import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBenchmarkFile } from '../src/benchmark-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'bench-file-'));
const write = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
const items = [
  { id: 'a'.repeat(32), question: ['How many ', 'stores?'], answer: [{ format: 'SQL', content: ['SELECT COUNT(*)\n', 'FROM main.retail.stores'] }] },
  { id: 'b'.repeat(32), question: ['Only a text answer'], answer: [{ format: 'TEXT', content: ['none'] }] },
];
const expected = [{ id: 'a'.repeat(32), question: 'How many stores?', expected_sql: 'SELECT COUNT(*)\nFROM main.retail.stores' }];

describe('benchmark files in the space\'s own format', () => {
  it('reads the space\'s benchmark items, as {questions} or a bare list, skipping questions without a SQL answer', async () => {
    expect(await readBenchmarkFile(write('items.json', JSON.stringify({ questions: items })))).toEqual(expected);
    expect(await readBenchmarkFile(write('bare.json', JSON.stringify(items)))).toEqual(expected);
  });

  it('reads a whole serialized_space, and a space as GET returns it, with a byte-order mark', async () => {
    const serialized = { version: 2, data_sources: { tables: [] }, benchmarks: { questions: items } };
    expect(await readBenchmarkFile(write('space.json', `\uFEFF${JSON.stringify(serialized)}`))).toEqual(expected);
    expect(await readBenchmarkFile(write('get.json', JSON.stringify({ space_id: 'x', serialized_space: JSON.stringify(serialized) })))).toEqual(expected);
  });

  it('still refuses SQL that is not read-only, naming the question', async () => {
    const bad = write('unsafe.json', JSON.stringify({ questions: [{ ...items[0], answer: [{ format: 'SQL', content: ['DROP TABLE main.retail.stores'] }] }] }));
    await expect(readBenchmarkFile(bad)).rejects.toThrow(/unsafe\.json: questions\[0\]\.expected_sql: question "a{32}": expected_sql must be one read-only query/);
  });

  it('says what shapes it takes when the document has none of them', async () => {
    await expect(readBenchmarkFile(write('odd.json', JSON.stringify({ items: [] })))).rejects.toThrow(/odd\.json: questions: expected \{questions: \[\.\.\.\]\}/);
  });
});
