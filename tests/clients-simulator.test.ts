import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import {
  createChatModelClient, createGenieConversationsClient, createGenieSpacesClient, createRestClient, createSqlWarehouseClient,
  DatabricksApiError, parseSerializedSpace, RateLimitedError, scoreBenchmark, SqlExecutionError,
} from '@genie-enhancer/shared';
import { createSimulator, type Simulator } from '@genie-enhancer/databricks-sim';

const dataset = join(import.meta.dirname, '..', 'datasets', 'kpi-retail');
const fast = { attempts: 6, baseDelayMs: 20, maxDelayMs: 200 };

describe('real clients against the simulator over HTTP', () => {
  let sim: Simulator;
  let spaceId: string;
  const rest = () => createRestClient({ host: sim.url, token: sim.token, retry: fast });
  beforeAll(async () => {
    sim = await createSimulator({ datasets: [dataset], genieLatencyMs: 60 });
    spaceId = sim.spaces[0].space_id;
  });
  afterAll(() => sim.close());

  it('asks Genie, polls through the real statuses, and reads the query attachment', async () => {
    const genie = createGenieConversationsClient(rest(), { pollIntervalMs: { initial: 10, max: 40 } });
    const answer = await genie.ask(spaceId, 'How many stores do we have?', { timeoutMs: 5_000 });
    expect(answer.status).toBe('COMPLETED');
    expect(answer.sql).toMatch(/COUNT\(\*\)[\s\S]*main\.retail\.stores/);
    const polls = sim.requestLog.filter((r) => r.kind === 'genie_poll');
    expect(polls.length).toBeGreaterThan(0);
  });

  it('gets a clarifying text answer, without SQL, for a question the space cannot map', async () => {
    const answer = await createGenieConversationsClient(rest(), { pollIntervalMs: { initial: 10, max: 40 } }).ask(spaceId, 'What was the total revenue in 2024?', { timeoutMs: 5_000 });
    expect(answer.sql).toBeUndefined();
    expect(answer.text).toMatch(/revenue/);
  });

  it('round-trips a space update, refuses a stale etag (409) and an unsorted space (400)', async () => {
    const spaces = createGenieSpacesClient(rest());
    const before = await spaces.get(spaceId);
    const config = parseSerializedSpace(before.serialized_space);
    config.data_sources!.tables![0].description = ['Customers of the chain.'];
    const after = await spaces.update(spaceId, { serialized_space: JSON.stringify(config), etag: before.etag });
    expect(parseSerializedSpace(after.serialized_space).data_sources!.tables![0].description).toEqual(['Customers of the chain.']);
    await expect(spaces.update(spaceId, { serialized_space: before.serialized_space, etag: before.etag })).rejects.toMatchObject({ status: 409, errorCode: 'RESOURCE_CONFLICT' });
    const unsorted = parseSerializedSpace(before.serialized_space);
    unsorted.data_sources!.tables!.reverse();
    await expect(spaces.update(spaceId, { serialized_space: JSON.stringify(unsorted) })).rejects.toMatchObject({ status: 400, message: expect.stringContaining('sorted') });
    await spaces.update(spaceId, { serialized_space: before.serialized_space });
  });

  it('maps a wrong token to 401 and an unknown space to 404, as typed errors', async () => {
    const bad = createGenieSpacesClient(createRestClient({ host: sim.url, token: 'wrong', retry: fast }));
    await expect(bad.get(spaceId)).rejects.toSatisfy((e: unknown) => e instanceof DatabricksApiError && e.status === 401 && e.errorCode === 'UNAUTHENTICATED');
    await expect(createGenieSpacesClient(rest()).get('0'.repeat(32))).rejects.toMatchObject({ status: 404, errorCode: 'RESOURCE_DOES_NOT_EXIST' });
  });

  it('runs SQL on the warehouse with Databricks names and types, and types its errors', async () => {
    const warehouse = createSqlWarehouseClient({ rest: rest(), warehouseId: sim.warehouseId });
    const result = await warehouse.query("SELECT rgn, COUNT(*) AS n, DATE '2024-01-01' AS d, CAST(1.5 AS DECIMAL(10,2)) AS x FROM main.retail.stores GROUP BY rgn ORDER BY rgn");
    expect(result.columns.map((c) => c.type)).toEqual(['STRING', 'BIGINT', 'DATE', 'DECIMAL']);
    expect(result.rows[0]).toEqual(['East', '5', '2024-01-01', '1.50']);
    await expect(warehouse.query('SELECT nope FROM main.retail.stores')).rejects.toSatisfy((e: unknown) => e instanceof SqlExecutionError && /UNRESOLVED_COLUMN/.test(e.message));
  });

  it('gets a labelled simulated completion through the openai client', async () => {
    const model = createChatModelClient({ host: sim.url, token: sim.token, endpoint: 'planner-endpoint' });
    const answer = await model.complete({ system: 'plan', user: 'no blocks here' });
    expect(answer.model).toBe('planner-endpoint-simulated');
    expect(JSON.parse(answer.content)).toMatchObject({ fixes: [] });
  });
});

describe('a 429 storm', () => {
  it('makes the clients wait Retry-After and lose no question', async () => {
    let calls = 0;
    const sim = await createSimulator({ datasets: [dataset], genieLatencyMs: 20, inject429: () => ++calls % 2 === 1 });
    try {
      const rest = createRestClient({ host: sim.url, token: sim.token, retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 50 } });
      const genie = createGenieConversationsClient(rest, { pollIntervalMs: { initial: 10, max: 20 } });
      const questions = ['How many stores do we have?', 'How many customers are in each tier?', 'How many stores opened in 2022?'].map((question, i) => ({
        id: `q${i}`, question, expected_sql: 'SELECT COUNT(*) FROM main.retail.stores',
      }));
      const report = await scoreBenchmark(
        { genie, warehouse: createSqlWarehouseClient({ rest, warehouseId: sim.warehouseId }) },
        { spaceId: sim.spaces[0].space_id, questions, concurrency: 3, timeoutMs: 10_000, rateLimitRetry: { attempts: 10, baseDelayMs: 10, maxDelayMs: 100 } },
      );
      expect(report.results.map((r) => r.question_id)).toEqual(['q0', 'q1', 'q2']);
      expect(report.results.every((r) => r.reason_code !== 'INTERNAL_ERROR')).toBe(true);
      const refused = sim.requestLog.filter((r) => r.kind === 'genie_question' && r.status === 429);
      expect(refused.length).toBeGreaterThanOrEqual(3);
    } finally {
      await sim.close();
    }
  });

  it('over the questions-per-minute limit the client gets a RateLimitedError carrying Retry-After', async () => {
    const sim = await createSimulator({ datasets: [dataset], genieLatencyMs: 10, questionsPerMinute: 1 });
    try {
      const rest = createRestClient({ host: sim.url, token: sim.token, retry: { attempts: 1, baseDelayMs: 10, maxDelayMs: 10 } });
      const genie = createGenieConversationsClient(rest, { pollIntervalMs: { initial: 10, max: 20 } });
      await genie.ask(sim.spaces[0].space_id, 'How many stores do we have?', { timeoutMs: 5_000 });
      const error = await genie.ask(sim.spaces[0].space_id, 'How many stores do we have?').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RateLimitedError);
      expect((error as RateLimitedError).retryAfterMs).toBeGreaterThanOrEqual(1000);
    } finally {
      await sim.close();
    }
  });
});
