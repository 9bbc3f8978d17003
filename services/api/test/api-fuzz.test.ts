import { join } from 'node:path';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '@genie-enhancer/databricks-sim';
import { createGenieSpacesClient, createRestClient, silentLogger } from '@genie-enhancer/shared';
import { testRedis, type TestRedis } from '../../../tests/helpers/test-redis.ts';
import { buildApi } from '../src/app.ts';
import { ApiKeyStore } from '../src/auth/api-keys.ts';

const root = join(import.meta.dirname, '..', '..', '..');
/** a value JSON.stringify cannot write (1e309 parses to Infinity): put in as this marker, swapped for the raw text */
const RAW = '__raw_1e309__';
const RUNS = { body: 1_000, path: 300, limit: 200 };
/** the kpi-retail sample space and its warehouse, so some generated bodies start real runs */
const SPACE_ID = '178fd2ca032db41f4a33404b0f63d883';
const WAREHOUSE_ID = '5a1b2c3d4e5f6071';

const hostileString = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('\ud800', 'a\udc00b', '\ud800'.repeat(32)) },
  fc.constantFrom('', ' ', '../../x', '..%2F..%2Fx', '\ud800', '\udfff\ud800', 'NaN', 'Infinity', '-0', '1e309', 'null', 'true', '{}', '[]',
    "'; DROP TABLE x; --", 'SELECT 1; DROP TABLE x', '\u0000', '\u202e\u0645\u0631\u062d\u0628\u0627', '😀'.repeat(600), '%00', '%ZZ', '\\', '"'),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  { weight: 2, arbitrary: fc.nat({ max: 30_000 }).map((n) => 'x'.repeat(n)) },
);
const hostileValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    hostileString,
    fc.constantFrom(RAW, null, true, false, 0, -1, 1.5, 2 ** 53, -(2 ** 63), Number.MAX_VALUE, 1e-320),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.oneof(hostileString, fc.constantFrom('__proto__', 'constructor', 'prototype')), tie('value'), { maxKeys: 3 }),
  ),
})).value;
const maybe = <T>(valid: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: hostileValue });

const hex = (length: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
const question = fc.record(
  { id: maybe(fc.string({ minLength: 1, maxLength: 20 })), question: maybe(fc.string({ minLength: 1, maxLength: 80 })), expected_sql: maybe(fc.constantFrom('SELECT 1', 'WITH a AS (SELECT 1) SELECT * FROM a', 'CREATE TABLE t AS SELECT 42', 'SELECT 1; DROP TABLE x')), tags: maybe(fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 })) },
  { requiredKeys: ['id', 'question', 'expected_sql'] },
);
/** A POST /runs body built from RunRequest's fields, each valid or hostile, with stray and prototype-polluting keys. */
const runBody = fc.tuple(
  fc.record({
    space_id: maybe(fc.oneof(fc.constant(SPACE_ID), hex(32))), warehouse_id: maybe(fc.oneof(fc.constant(WAREHOUSE_ID), hex(16))), target_score: maybe(fc.double({ min: 0.01, max: 1, noNaN: true })),
    max_loops: maybe(fc.integer({ min: 1, max: 20 })), genie_concurrency: maybe(fc.integer({ min: 1, max: 20 })), batch: maybe(fc.boolean()),
    llm_endpoint: maybe(fc.string({ minLength: 1, maxLength: 30 })), question_timeout_s: maybe(fc.integer({ min: 1, max: 1800 })), auto_promote: maybe(fc.boolean()),
    questions: maybe(fc.array(question, { maxLength: 4 })), benchmark_name: maybe(fc.constantFrom('kpi_benchmark', 'nope', '../../etc/passwd')), space_benchmarks: maybe(fc.constant(true)),
  }, { requiredKeys: [] }),
  fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'prototype', 'extra', 'toString'), hostileValue, { maxKeys: 2 }),
  hostileValue,
  fc.nat({ max: 9 }),
  fc.option(fc.tuple(fc.constantFrom('space_id', 'warehouse_id', 'target_score', 'max_loops', 'questions', 'benchmark_name', 'llm_endpoint', 'question_timeout_s'), hostileValue), { freq: 3 }),
).map(([fields, extra, replacement, shape, mutation]) => {
  if (shape === 0) return replacement;
  if (shape < 5) return { ...fields, ...extra };
  // a valid body with at most one field made hostile, so both sides of every field's rule are reached
  const valid: Record<string, unknown> = { space_id: SPACE_ID, warehouse_id: WAREHOUSE_ID, questions: [{ id: 'q1', question: 'How many stores?', expected_sql: 'SELECT COUNT(*) FROM main.retail.stores' }] };
  return mutation ? { ...valid, [mutation[0]]: mutation[1] } : valid;
});

/** Unencoded as far as a URL allows: a lone surrogate as its (invalid UTF-8) bytes, '%', '/', '..' left as they are. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const rawPath = (s: string) => s.replace(LONE_SURROGATE, '%ED%A0%80').replace(/[^\x21-\x7e%]/gu, (c) => encodeURIComponent(c));

const toJson = (value: unknown) => (JSON.stringify(value) ?? 'null').replaceAll(`"${RAW}"`, '1e309');

/** 400s from before validation, each naming what it refused: the JSON, a prototype key, the URL's path part. */
const FRAMEWORK_400 = [/JSON/, /forbidden prototype property/, /^'\/runs\/.*' is not a valid url component$/s];

/** A 4xx answer says what was wrong: a validation 400 lists issues whose paths name a request part and field. */
function expectClientErrorNamesField(response: LightMyRequestResponse, sent: string) {
  expect(response.statusCode, `${response.statusCode} for ${sent.slice(0, 300)}: ${response.body.slice(0, 300)}`).toBeLessThan(500);
  if (response.statusCode < 400) return;
  const body = response.json();
  expect(typeof body.message, response.body).toBe('string');
  expect(body.message.length).toBeGreaterThan(0);
  if (body.error === 'INVALID_REQUEST') {
    expect(body.issues.length).toBeGreaterThan(0);
    for (const issue of body.issues) {
      expect(issue.path).toMatch(/^(body|params|querystring|headers)(\.|$)/);
      expect(body.message).toContain(issue.path);
    }
  } else if (response.statusCode === 400 && !FRAMEWORK_400.some((pattern) => pattern.test(body.message))) {
    throw new Error(`a 400 that names no field: ${response.body}`);
  }
}

describe('API fuzz: hostile bodies, ids and query strings never give a 5xx', () => {
  let t: TestRedis;
  let sim: Simulator;
  const statuses = new Map<number, number>();
  let app: Awaited<ReturnType<typeof buildApi>>;
  let authorization: string;
  let sent = 0;

  beforeAll(async () => {
    t = await testRedis('fuzz');
    sim = await createSimulator({ datasets: [join(root, 'datasets', 'kpi-retail')] });
    const spaces = createGenieSpacesClient(createRestClient({ host: sim.url, token: sim.token }));
    app = await buildApi({ redis: t.redis, logger: silentLogger, benchmarksDir: join(root, 'benchmarks'), redisPrefix: t.prefix, spaces: async () => spaces, rateLimit: { max: 1_000_000, timeWindow: '1 minute' } });
    authorization = `Bearer ${(await new ApiKeyStore(t.redis, t.prefix).create({ name: 'fuzz', scopes: ['admin'] })).key}`;
  });
  afterAll(async () => {
    await app.close();
    await sim.close();
    await t.cleanup();
    // the figure docs/security.md quotes
    expect(sent).toBeGreaterThanOrEqual(RUNS.body + 4 * RUNS.path + RUNS.limit);
  });

  it(`POST /runs with ${RUNS.body} generated bodies`, async () => {
    await fc.assert(fc.asyncProperty(runBody, async (body) => {
      const payload = toJson(body);
      const response = await app.inject({ method: 'POST', url: '/runs', headers: { authorization, 'content-type': 'application/json' }, payload });
      sent++;
      statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
      expectClientErrorNamesField(response, payload);
    }), { numRuns: RUNS.body });
    // the generator reaches both the accepted and the refused side of the schema
    // one active run per space: after the first, a valid body for the same space is refused with 409
    expect(statuses.get(202) ?? 0).toBeGreaterThanOrEqual(1);
    expect((statuses.get(202) ?? 0) + (statuses.get(409) ?? 0)).toBeGreaterThan(10);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(RUNS.body / 2);
  }, 60_000);

  it(`run routes with ${RUNS.path} generated ids each`, async () => {
    const id = fc.oneof(fc.uuid(), hostileString.filter((s) => s.length > 0 && s.length < 4_000));
    for (const [method, suffix] of [['GET', ''], ['GET', '/questions'], ['GET', '/fixes'], ['POST', '/cancel']] as const) {
      await fc.assert(fc.asyncProperty(id, fc.boolean(), async (runId, encode) => {
        const part = encode ? encodeURIComponent(runId.replace(LONE_SURROGATE, '\ufffd')) : rawPath(runId);
        const response = await app.inject({ method, url: `/runs/${part}${suffix}`, headers: { authorization }, ...(method === 'POST' ? { payload: {} } : {}) });
        sent++;
        expectClientErrorNamesField(response, `${method} ${part}${suffix}`);
        if (response.statusCode === 400 && response.json().error === 'INVALID_REQUEST') expect(response.json().issues[0].path).toBe('params.id');
      }), { numRuns: RUNS.path });
    }
  }, 60_000);

  it(`GET /runs?limit= with ${RUNS.limit} generated values`, async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(fc.integer(), hostileString.filter((s) => s.length < 4_000)), async (limit) => {
      const response = await app.inject({ method: 'GET', url: '/runs', query: { limit: String(limit) }, headers: { authorization } });
      sent++;
      expectClientErrorNamesField(response, `limit=${limit}`);
      if (response.statusCode === 400) expect(response.json().issues[0].path).toBe('querystring.limit');
      else expect(response.json().runs.length).toBeLessThanOrEqual(500);
    }), { numRuns: RUNS.limit });
  }, 60_000);

  it('still answers after the fuzzing', async () => {
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/runs?limit=1', headers: { authorization } })).statusCode).toBe(200);
  });
});
