import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCassetteRecorder, promptKey, type Cassettes } from '@genie-enhancer/shared';
import { Replay } from '../src/replay/replay.ts';

const config = (rule: string, benchmarks: unknown[] = []) => JSON.stringify({ version: 2, instructions: { text_instructions: [{ id: 'a'.repeat(32), content: [rule] }] }, benchmarks: { questions: benchmarks } });
const C0 = config('rule zero');
const C1 = config('rule one');
const answer = (sql: string) => ({ status: 'COMPLETED', sql });
const messages = [{ role: 'system', content: 'plan' }, { role: 'user', content: 'failures' }];

function cassettes(): Cassettes {
  return {
    spaces: [
      { at: 1, op: 'get', space_id: 'orig', response: { space_id: 'orig', title: 'T', warehouse_id: 'w', serialized_space: C0 } },
      { at: 2, op: 'create', space_id: 'copy', request: { title: 'T [copy]', serialized_space: C0 }, response: { space_id: 'copy', serialized_space: C0 } },
      // the workspace kept the update with an extra field the request did not have
      { at: 10, op: 'update', space_id: 'copy', request: { serialized_space: C1 }, response: { space_id: 'copy', serialized_space: C1.replace('"version":2', '"version":2,"added_by_server":true') } },
    ],
    genie: [
      { at: 3, space_id: 'copy', question: 'How many?', answer: answer('SELECT 1') },
      { at: 4, space_id: 'copy', question: 'How many?', answer: answer('SELECT 2') },
      { at: 11, space_id: 'copy', question: 'How many?', answer: answer('SELECT 3') },
    ],
    warehouse: [
      { at: 5, warehouse_id: 'w', sql: 'SELECT 1', result: { columns: [{ name: 'n', type: 'INT' }], rows: [[1]] } },
      { at: 12, warehouse_id: 'w', sql: 'SELECT 1', error: { message: 'gone', sql_state: '42P01' } },
    ],
    model: [
      { at: 6, endpoint: 'e', key: promptKey(messages), messages, response: { content: 'first', model: 'm' } },
      { at: 7, endpoint: 'e', key: promptKey(messages), messages, response: { content: 'second', model: 'm' } },
    ],
  };
}

describe('Replay', () => {
  it('adds only the spaces the run found (read first), not the ones it created', () => {
    expect(new Replay(cassettes()).initialSpaces.map((s) => s.space_id)).toEqual(['orig']);
  });

  it('answers Genie by configuration and question, the n-th asking with the n-th answer, then nothing', () => {
    const replay = new Replay(cassettes());
    // any space with that configuration (the replay's copy has another id); benchmarks and key order do not count
    const sameAsC0 = JSON.stringify({ benchmarks: { questions: [1, 2] }, instructions: JSON.parse(C0).instructions, version: 2 });
    expect(replay.genieAnswer(sameAsC0, ' How many? ')?.sql).toBe('SELECT 1');
    expect(replay.genieAnswer(C0, 'How many?')?.sql).toBe('SELECT 2');
    expect(replay.genieAnswer(C0, 'How many?')).toBeUndefined();
    expect(replay.genieAnswer(C0, 'How many rows?')).toBeUndefined();
    // after the update, the configuration as the workspace kept it
    expect(replay.genieAnswer(C1, 'How many?')).toBeUndefined();
    expect(replay.genieAnswer(replay.storedForm(C1), 'How many?')?.sql).toBe('SELECT 3');
    expect(replay.stats().genie).toEqual({ hits: 3, misses: 3 });
  });

  it('keeps a written configuration as the recorded workspace did', () => {
    const replay = new Replay(cassettes());
    expect(replay.storedForm(C1)).toContain('added_by_server');
    expect(replay.storedForm(C0)).toBe(C0);
    expect(replay.storedForm(config('never written'))).toBe(config('never written'));
  });

  it('gives statements and completions in recorded order, then the last again', () => {
    const replay = new Replay(cassettes());
    expect(replay.statement('  SELECT 1 ;')?.result?.rows).toEqual([[1]]);
    expect(replay.statement('SELECT 1')?.error?.message).toBe('gone');
    expect(replay.statement('SELECT 1')?.error?.message).toBe('gone');
    expect(replay.statement('SELECT 2')).toBeUndefined();
    expect([1, 2, 3].map(() => replay.completion(messages)?.content)).toEqual(['first', 'second', 'second']);
    expect(replay.completion([{ role: 'user', content: 'other' }])).toBeUndefined();
  });

  it('reads what a recorder wrote, lines of several writers ordered by time', () => {
    const dir = mkdtempSync(join(tmpdir(), 'replay-dir-'));
    const rec = createCassetteRecorder(dir);
    const c = cassettes();
    for (const line of [...c.spaces].reverse()) rec.write('spaces', line);
    for (const line of [...c.genie].reverse()) rec.write('genie', line);
    const replay = Replay.fromDir(dir);
    expect(replay.genieAnswer(C0, 'How many?')?.sql).toBe('SELECT 1');
  });
});
