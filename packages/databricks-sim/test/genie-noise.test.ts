import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { parseSerializedSpace, type SerializedSpace } from '@genie-enhancer/shared';
import type { CatalogSnapshot } from '../src/catalog.types.ts';
import { alternativeReadings } from '../src/genie/alternative-readings.ts';
import { answerQuestion, type GenieReply } from '../src/genie/genie-engine.ts';
import { GenieNoise } from '../src/genie/noise.ts';
import { createSqlEngine, type SimSqlEngine } from '../src/sql/sql-engine.ts';

const dataset = join(import.meta.dirname, '..', '..', '..', 'datasets', 'kpi-retail');
const QUESTIONS = [
  'What are the top 3 stores by revenue?', 'What was the revenue by channel in 2023?', 'What is the revenue by month in 2023?',
  'What was the revenue by customer tier in 2023?', 'How many orders per store?', 'How many customers signed up in 2022?',
  'How many stores opened in 2021?', 'How many customers per tier?', 'What is the average unit cost of products?',
];

/** The sample space with a few synonyms, a join spec and a rule, so that answers take varied shapes. */
function richerSpace(serialized: string): SerializedSpace {
  const space = parseSerializedSpace(serialized);
  const orders = space.data_sources!.tables!.find((t) => t.identifier === 'main.retail.orders')!;
  orders.column_configs = [{ column_name: 'chnl', synonyms: ['channel'] }, { column_name: 'net_amt', synonyms: ['revenue'] }];
  space.instructions = {
    ...space.instructions,
    text_instructions: [{ id: 'a'.repeat(32), content: ["Exclude rows where orders.stat = 'CANCELLED' when computing revenue.\n"] }],
    join_specs: [{ id: 'b'.repeat(32), left: { identifier: 'main.retail.orders', alias: 'o' }, right: { identifier: 'main.retail.customers', alias: 'c' }, sql: ['o.cust_ref = c.customer_id'] }],
  };
  return space;
}

describe('seeded Genie noise', () => {
  let engine: SimSqlEngine;
  let catalog: CatalogSnapshot;
  let space: SerializedSpace;
  const clean = new Map<string, GenieReply>();
  beforeAll(async () => {
    engine = await createSqlEngine({});
    space = richerSpace((await engine.loadDataset(dataset)).space.serialized_space);
    catalog = await engine.catalog();
    for (const q of QUESTIONS) clean.set(q, answerQuestion(space, catalog, q));
  });
  afterAll(() => engine.close());

  const sqlOf = (q: string) => (clean.get(q) as { sql: string }).sql;
  /** `repeats` rounds over `questions`, each round asking every question once more: the SQL of each answer. */
  const run = (noise: GenieNoise, repeats: number, questions = QUESTIONS, spaceId = 'space-a') =>
    Array.from({ length: repeats }, () => questions.map((q) => (noise.apply(spaceId, q, clean.get(q)!, catalog) as { sql: string }).sql)).flat();
  const cleanRun = (repeats: number, questions = QUESTIONS) => Array.from({ length: repeats }, () => questions.map(sqlOf)).flat();

  it('has questions that all get SQL with at least one alternative reading (else the rates below prove nothing)', () => {
    for (const q of QUESTIONS) {
      const reply = clean.get(q)!;
      expect(reply.kind, q).toBe('query');
      expect(alternativeReadings(sqlOf(q), catalog).length, q).toBeGreaterThan(0);
    }
  });

  it('changes nothing at probability 0', () => {
    expect(run(new GenieNoise({ probability: 0, seed: 5 }), 20)).toEqual(cleanRun(20));
  });

  it('alters about p of the answers, each an alternative reading that runs on the warehouse', async () => {
    const repeats = 60; // 540 draws: 4 standard deviations of the binomial are about ±0.08
    for (const seed of [1, 2, 3]) {
      const noisy = run(new GenieNoise({ probability: 0.3, seed }), repeats);
      const expected = cleanRun(repeats);
      const altered = noisy.filter((sql, i) => sql !== expected[i]);
      expect(altered.length / noisy.length, `seed ${seed}`).toBeGreaterThan(0.22);
      expect(altered.length / noisy.length, `seed ${seed}`).toBeLessThan(0.38);
      for (const sql of new Set(altered)) {
        const original = QUESTIONS.map(sqlOf).find((s) => alternativeReadings(s, catalog).some((g) => g.sqls.includes(sql)));
        expect(original, sql).toBeDefined();
        await expect(engine.execute(sql)).resolves.toMatchObject({ columns: expect.any(Array) });
      }
    }
  });

  it('replays the same sequence for the same seed, another for another seed, and lets repeats of a question differ', () => {
    const first = run(new GenieNoise({ probability: 0.3, seed: 42 }), 10);
    expect(run(new GenieNoise({ probability: 0.3, seed: 42 }), 10)).toEqual(first);
    expect(run(new GenieNoise({ probability: 0.3, seed: 43 }), 10)).not.toEqual(first);
    const repeatsOfOne = run(new GenieNoise({ probability: 0.3, seed: 42 }), 30, [QUESTIONS[0]]);
    expect(new Set(repeatsOfOne).size).toBeGreaterThan(1);
    expect(repeatsOfOne).toContain(sqlOf(QUESTIONS[0]));
  });

  it('counts askings per space and question, so other questions and other spaces do not shift a sequence', () => {
    const alone = run(new GenieNoise({ probability: 0.5, seed: 9 }), 12, [QUESTIONS[1]]);
    const interleaved = run(new GenieNoise({ probability: 0.5, seed: 9 }), 12, [QUESTIONS[0], QUESTIONS[1], QUESTIONS[2]]).filter((_, i) => i % 3 === 1);
    expect(interleaved).toEqual(alone);
    const noise = new GenieNoise({ probability: 0.5, seed: 9 });
    run(noise, 12, [QUESTIONS[1]], 'space-b');
    expect(run(noise, 12, [QUESTIONS[1]])).toEqual(alone);
  });

  it('leaves text answers alone and refuses a probability outside [0, 1] or a fractional seed', () => {
    const text: GenieReply = { kind: 'text', text: 'Which column?' };
    const noise = new GenieNoise({ probability: 1, seed: 0 });
    expect(noise.apply('s', 'q', text, catalog)).toBe(text);
    expect(() => new GenieNoise({ probability: 1.5, seed: 0 })).toThrow(RangeError);
    expect(() => new GenieNoise({ probability: Number.NaN, seed: 0 })).toThrow(RangeError);
    expect(() => new GenieNoise({ probability: 0.5, seed: 0.5 })).toThrow(RangeError);
  });
});
