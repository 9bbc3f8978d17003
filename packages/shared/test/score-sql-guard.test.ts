import { describe, expect, it } from 'vitest';
import { BenchmarkFile, benchmarkFromSpace, parseSerializedSpace, scoreQuestion, UnsafeSqlError, type GenieConversations, type SqlWarehouse } from '../src/index.ts';

/** A warehouse that records every statement it is given and answers one row. */
function recordingWarehouse() {
  const ran: string[] = [];
  const warehouse: SqlWarehouse = {
    query: async (sql) => {
      ran.push(sql);
      return { columns: [{ name: 'n', type: 'INT' }], rows: [[1]] };
    },
    close: async () => {},
  };
  return { warehouse, ran };
}

const genieAnswering = (sql: string): GenieConversations => ({
  ask: async () => ({ conversation_id: 'c', message_id: 'm', status: 'COMPLETED', sql }),
});

describe('scoring refuses SQL that is not read-only', () => {
  const question = { id: 'q1', question: 'How many?', expected_sql: 'SELECT 1 AS n' };

  it("fails the question with GENIE_SQL_ERROR and never runs Genie's writing SQL", async () => {
    const { warehouse, ran } = recordingWarehouse();
    const result = await scoreQuestion({ genie: genieAnswering('SELECT 1 AS n; DROP TABLE main.retail.orders'), warehouse }, { spaceId: 's', question, timeoutMs: 1_000 });
    expect(result).toMatchObject({ verdict: 'fail', reason_code: 'GENIE_SQL_ERROR' });
    expect(result.reason).toMatch(/refused, not run: it is not one read-only query/);
    expect(ran).toEqual(['SELECT 1 AS n']);
  });

  it("runs and passes Genie's read-only SQL", async () => {
    const { warehouse, ran } = recordingWarehouse();
    const result = await scoreQuestion({ genie: genieAnswering('SELECT 1 AS n;'), warehouse }, { spaceId: 's', question, timeoutMs: 1_000 });
    expect(result.verdict).toBe('pass');
    expect(ran).toHaveLength(2);
  });
});

describe('benchmark inputs refuse SQL that is not read-only', () => {
  it('a benchmark file answers an issue at questions.N.expected_sql naming the question', () => {
    const parsed = BenchmarkFile.safeParse({ questions: [{ id: 'ok', question: 'q', expected_sql: 'SELECT 1' }, { id: 'bad-one', question: 'q', expected_sql: 'CREATE TABLE x AS SELECT 42' }] });
    expect(parsed.success).toBe(false);
    const issue = parsed.error!.issues[0];
    expect(issue.path).toEqual(['questions', 1, 'expected_sql']);
    expect(issue.message).toMatch(/question "bad-one".*CREATE/);
  });

  it('caps question and SQL lengths and the number of questions, naming the field', () => {
    const long = BenchmarkFile.safeParse({ questions: [{ id: 'a', question: 'x'.repeat(2_001), expected_sql: `SELECT ${'1+'.repeat(10_000)}1` }] });
    expect(long.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['questions.0.expected_sql', 'questions.0.question']);
    const many = BenchmarkFile.safeParse({ questions: Array.from({ length: 1_001 }, (_, i) => ({ id: `q${i}`, question: 'q', expected_sql: 'SELECT 1' })) });
    expect(many.error!.issues[0].path).toEqual(['questions']);
  });

  it("a space's benchmarks section with writing SQL is an input error naming the question", () => {
    const space = parseSerializedSpace(JSON.stringify({
      version: 2,
      benchmarks: { questions: [{ id: 'e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0', question: ['Drop it'], answer: [{ format: 'SQL', content: ['DROP TABLE main.retail.orders'] }] }] },
    }));
    expect(() => benchmarkFromSpace(space)).toThrow(UnsafeSqlError);
    expect(() => benchmarkFromSpace(space)).toThrow(/e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0/);
  });
});
