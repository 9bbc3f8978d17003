import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PlannerOutputError, type BenchmarkQuestion, type ChatModel, type ChatRequest, type Fix } from '../src/index.ts';
import { plan } from '../src/stages/plan.stage.ts';
import { renderTemplate } from '../src/stages/prompt-template.ts';
import { result, shopSpace } from './apply-fixtures.ts';

/** A ChatModel port that answers from a script and records every request. */
function scriptedModel(answers: string[]): ChatModel & { requests: ChatRequest[] } {
  const requests: ChatRequest[] = [];
  return {
    requests,
    complete: async (request) => {
      requests.push(request);
      const content = answers.shift();
      if (content === undefined) throw new Error('no scripted answer left');
      return { content, model: 'fake-model', usage: { prompt_tokens: 100, completion_tokens: 10 } };
    },
  };
}

const benchmark: BenchmarkQuestion[] = [
  { id: 'b1', question: 'Total sales in 2021?', expected_sql: 'SELECT SUM(net_amt) FROM main.shop.sales WHERE year(sold_at) = 2021' },
  { id: 'b2', question: 'How many items are there?', expected_sql: 'SELECT COUNT(*) FROM main.shop.items' },
];
const failures = [result('b1', 'fail', { question: benchmark[0].question, expected_sql: benchmark[0].expected_sql, genie_sql: 'SELECT 0' })];
const input = { space: shopSpace(), tableSchemas: [{ identifier: 'main.shop.sales', columns: [{ name: 'net_amt', type: 'DECIMAL(12,2)' }] }], failures, benchmark };

const rule: Fix = { kind: 'text_instruction', content: 'Sales means the sum of net_amt.', rationale: 'names the measure' };
const answer = (fixes: unknown[], analysis = 'shared cause') => JSON.stringify({ analysis, fixes });

describe('plan', () => {
  it('sends one request with the space and failures blocks and the JSON schema, and returns the fixes', async () => {
    const model = scriptedModel(['```json\n' + answer([rule]) + '\n```']);
    const out = await plan({ model }, input);
    expect(model.requests).toHaveLength(1);
    const request = model.requests[0];
    const space = JSON.parse(/```json space\n([\s\S]*?)\n```/.exec(request.user)![1]);
    expect(space.benchmarks).toBeUndefined();
    expect(space.table_schemas[0].identifier).toBe('main.shop.sales');
    const sentFailures = JSON.parse(/```json failures\n([\s\S]*?)\n```/.exec(request.user)![1]);
    expect(sentFailures).toEqual([{ question_id: 'b1', question: benchmark[0].question, expected_sql: benchmark[0].expected_sql, genie_sql: 'SELECT 0', reason_code: 'VALUE_DIFFERENCE', reason: 'values differ' }]);
    expect(request.jsonSchema?.schema).toMatchObject({ type: 'object', required: ['fixes'] });
    expect(request.system).toMatch(/general/i);
    expect(out).toMatchObject({ fixes: [rule], rejected: [], analysis: 'shared cause', model: 'fake-model', attempts: 1, usage: { prompt_tokens: 100, completion_tokens: 10 } });
  });

  it('retries once with the validation error as a follow-up turn', async () => {
    const invalid = answer([{ kind: 'metadata', table: 'main.shop.sales', rationale: 'missing description and synonyms' }]);
    const model = scriptedModel([invalid, answer([rule])]);
    const out = await plan({ model }, input);
    expect(out.attempts).toBe(2);
    expect(out.fixes).toEqual([rule]);
    const retry = model.requests[1];
    expect(retry.user).toBe(model.requests[0].user);
    expect(retry.history?.[0]).toEqual({ role: 'assistant', content: invalid });
    expect(retry.history?.[1].role).toBe('user');
    expect(retry.history?.[1].content).toContain('fixes.0: a metadata fix needs a description or synonyms');
    expect(out.usage).toEqual({ prompt_tokens: 200, completion_tokens: 20 });
  });

  it('throws PlannerOutputError naming the issues when the retry is invalid too', async () => {
    const model = scriptedModel(['not json at all', answer([{ kind: 'magic', rationale: 'x' }])]);
    const error = await plan({ model }, input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlannerOutputError);
    expect((error as PlannerOutputError).issues).toMatch(/^fixes\.0/);
    expect((error as Error).message).toMatch(/after 2 attempts/);
    expect(model.requests).toHaveLength(2);
  });

  it('rejects leaked examples, duplicates and fixes the space already has', async () => {
    const leaked: Fix = { kind: 'example_sql', question: 'Sales of one year', sql: 'select sum(s.net_amt) from main.shop.sales as s where year(s.sold_at)=2021', rationale: 'x' };
    const otherYear: Fix = { kind: 'example_sql', question: 'Total sales in 2018?', sql: 'SELECT SUM(net_amt) FROM main.shop.sales WHERE year(sold_at) = 2018', rationale: 'x' };
    const present: Fix = { kind: 'text_instruction', content: 'Amounts are in EUR.', rationale: 'x' };
    const model = scriptedModel([answer([leaked, otherYear, rule, { ...rule, rationale: 'again' }, present])]);
    const out = await plan({ model }, input);
    // the same statement for another year is a copy too
    expect(out.fixes).toEqual([rule]);
    expect(out.rejected.map((r) => r.reason)).toEqual([
      'duplicate of an earlier fix in the same plan',
      'already present in the space',
      'leakage: example SQL equals the expected SQL of benchmark question b1',
      'leakage: example SQL is the expected SQL of benchmark question b1 with other values',
    ]);
  });

  it('does not call the model without failures', async () => {
    const model = scriptedModel([]);
    const out = await plan({ model }, { ...input, failures: [result('b2', 'pass')] });
    expect(out.fixes).toEqual([]);
    expect(model.requests).toEqual([]);
  });

  it('reads templates from promptsDir and refuses unknown placeholders', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'prompts-'));
    writeFileSync(join(dir, 'planner.system.md'), 'system');
    writeFileSync(join(dir, 'planner.user.md'), '{{space_json}} {{nope}}');
    await expect(plan({ model: scriptedModel([]) }, { ...input, promptsDir: dir })).rejects.toThrow('unknown placeholder {{nope}}');
    expect(renderTemplate('a {{x}} b {{ y }}', { x: '{{y}}', y: '2' })).toBe('a {{y}} b 2');
  });
});
