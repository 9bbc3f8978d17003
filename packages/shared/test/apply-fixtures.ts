import type { QuestionResult, ScoreReport, SerializedSpace } from '../src/index.ts';

export const hex = (n: number) => n.toString(16).padStart(32, '0');

/** A small two-table space for stage tests (fictional shop schema, not a benchmark dataset). */
export function shopSpace(): SerializedSpace {
  return {
    version: 2,
    data_sources: {
      tables: [
        { identifier: 'main.shop.sales', column_configs: [{ column_name: 'net_amt', synonyms: ['Revenue'] }] },
        { identifier: 'main.shop.items' },
      ],
    },
    instructions: {
      text_instructions: [{ id: hex(9), content: ['Amounts are in EUR.\n'] }],
      example_question_sqls: [],
    },
    benchmarks: { questions: [{ id: hex(1), question: ['Total sales in 2021?'], answer: [{ format: 'SQL', content: ['SELECT SUM(net_amt) FROM main.shop.sales'] }] }] },
  };
}

export function result(id: string, verdict: QuestionResult['verdict'], extra: Partial<QuestionResult> = {}): QuestionResult {
  return {
    question_id: id,
    question: `question ${id}`,
    verdict,
    reason_code: verdict === 'pass' ? 'MATCH' : 'VALUE_DIFFERENCE',
    reason: verdict === 'pass' ? 'results match' : 'values differ',
    expected_sql: 'SELECT 1',
    duration_ms: 10,
    ...extra,
  };
}

export function report(verdicts: Record<string, QuestionResult['verdict']>): ScoreReport {
  const results = Object.entries(verdicts).map(([id, v]) => result(id, v));
  const passed = results.filter((r) => r.verdict === 'pass').length;
  return { score: results.length ? passed / results.length : 0, passed, total: results.length, results };
}
