import { describe, expect, it } from 'vitest';
import type { SerializedSpace } from '@genie-enhancer/shared';
import type { CatalogSnapshot } from '../src/catalog.types.ts';
import { answerQuestion } from '../src/genie/genie-engine.ts';

/** Question shapes of public text-to-SQL material, on a schema of its own (bare ids, keys named after tables). */
const catalog: CatalogSnapshot = {
  tables: [
    { identifier: 'main.zoo.keepers', columns: [{ name: 'Id', type: 'BIGINT' }, { name: 'KeeperName', type: 'STRING' }], values: {}, sampledValues: { KeeperName: ['Ada Byron', 'Bo Lind'] } },
    {
      identifier: 'main.zoo.animals',
      columns: [{ name: 'Id', type: 'BIGINT' }, { name: 'Keeper', type: 'BIGINT' }, { name: 'Kind', type: 'STRING' }, { name: 'Weight', type: 'INT' }, { name: 'Legs', type: 'INT' }, { name: 'Town', type: 'STRING' }, { name: 'Realm', type: 'STRING' }],
      values: { Kind: ['bird', 'cat'], Realm: ['Arcadia', 'Mordor'] },
      sampledValues: { Town: ['Springfield', 'Most', 'Lake'] },
    },
  ],
  metricViews: [],
};
const space: SerializedSpace = { version: 2, data_sources: { tables: [{ identifier: 'main.zoo.animals' }, { identifier: 'main.zoo.keepers' }] }, instructions: { text_instructions: [], example_question_sqls: [] } };
const sqlOf = (q: string) => {
  const reply = answerQuestion(space, catalog, q);
  return reply.kind === 'query' ? reply.sql.replace(/\s+/g, ' ') : `TEXT: ${reply.text}`;
};

describe('simulated Genie on schemas written by others', () => {
  it('joins through a key named after the other table, never through two bare ids, and shows the referenced name', () => {
    const sql = sqlOf('How many animals does each keeper have?');
    expect(sql).toContain('ON a.Keeper = k.Id');
    expect(sql).not.toContain('a.Id = k.Id');
    expect(sql).toContain('GROUP BY k.KeeperName');
  });

  it('finds a value of a high-cardinality column in its value index when the question spells it as stored', () => {
    expect(sqlOf('How many animals live in Springfield?')).toBe("SELECT COUNT(*) AS row_count FROM main.zoo.animals WHERE Town = 'Springfield'");
    expect(sqlOf('How many animals live in springfield?')).not.toContain('Springfield');
    expect(sqlOf('Which kind has the most animals?')).not.toContain("'Most'");
    // a longer value wins over a shorter one inside it
    expect(sqlOf('How many animals does Ada Byron keep?')).toContain("KeeperName = 'Ada Byron'");
  });

  it('reads a superlative before a measure as MIN / MAX', () => {
    expect(sqlOf('What is the smallest weight of the animals with 4 legs?')).toBe('SELECT MIN(Weight) AS min_Weight FROM main.zoo.animals WHERE Legs = 4');
    expect(sqlOf('What is the largest weight of the animals?')).toBe('SELECT MAX(Weight) AS max_Weight FROM main.zoo.animals');
  });

  it('groups by "each X" and "for different X"', () => {
    expect(sqlOf('What is the average weight of animals each kind?')).toContain('GROUP BY Kind');
    expect(sqlOf('What is the maximum weight for different number of legs?')).toContain('GROUP BY Legs');
  });

  it('puts a compared aggregate or a row count of each group in HAVING', () => {
    expect(sqlOf('What is the total weight for each kind whose average weight is more than 10?')).toBe('SELECT Kind, SUM(Weight) AS sum_Weight FROM main.zoo.animals GROUP BY Kind HAVING AVG(Weight) > 10');
    expect(sqlOf('How many animals does each keeper have for each keeper that has at least 3 animals?')).toMatch(/GROUP BY k\.KeeperName HAVING COUNT\(\*\) >= 3$/);
  });

  it('ranks "which X has the most Y" by the count of Y when Y names a table, not a column', () => {
    expect(sqlOf('Which of the keepers has the most animals?')).toMatch(/COUNT\(\*\) AS row_count .* GROUP BY k\.KeeperName ORDER BY row_count DESC LIMIT 1$/);
  });

  it('reads "the X that has the most Y" as "which X has the most Y", but "at least N" compares', () => {
    expect(sqlOf('What is the name of the keeper that keeps the largest number of animals?')).toMatch(/GROUP BY k\.KeeperName ORDER BY row_count DESC LIMIT 1$/);
    expect(sqlOf('How many animals does each keeper have for each keeper that has at least 3 animals?')).not.toContain('LIMIT');
  });

  it('matches a place value through its adjective ("Arcadian" for Arcadia)', () => {
    expect(sqlOf('How many Arcadian animals are there?')).toBe("SELECT COUNT(*) AS row_count FROM main.zoo.animals WHERE Realm = 'Arcadia'");
  });

  it('reads "or" between two compared numbers as alternatives, and "by the X with name V" as a filter, not a grouping', () => {
    expect(sqlOf('What is the maximum weight of the animals with 4 legs or weight less than 10?')).toContain('WHERE (Legs = 4 OR Weight < 10)');
    const sql = sqlOf('How many animals are kept by the keeper with name Ada Byron?');
    expect(sql).toContain("KeeperName = 'Ada Byron'");
    expect(sql).not.toContain('GROUP BY');
  });

  it('shows the columns a question lists, "<entity> id" as that table\'s own key', () => {
    const sql = sqlOf('How many animals does each keeper have? List the keeper id, keeper name and the number.');
    expect(sql).toMatch(/GROUP BY k\.Id, k\.KeeperName$/);
  });
});
