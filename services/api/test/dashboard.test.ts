import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunStore } from '@genie-enhancer/queue-runtime';
import { RunConfig, silentLogger, type QuestionResult } from '@genie-enhancer/shared';
import { testRedis, type TestRedis } from '../../../tests/helpers/test-redis.ts';
import { buildApi } from '../src/app.ts';
import { ApiKeyStore } from '../src/auth/api-keys.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const basic = (key: string) => ({ authorization: `Basic ${Buffer.from(`owner:${key}`).toString('base64')}` });

describe('run dashboard routes: the page and its bundle behind the API keys, and its read routes (real Redis)', () => {
  let t: TestRedis;
  let app: Awaited<ReturnType<typeof buildApi>>;
  let readKey: string;
  let adminKey: string;

  beforeAll(async () => {
    t = await testRedis('dashboard');
    const keys = new ApiKeyStore(t.redis, t.prefix);
    readKey = (await keys.create({ name: 'reader', scopes: ['read'] })).key;
    adminKey = (await keys.create({ name: 'admin', scopes: ['admin'] })).key;
    app = await buildApi({ redis: t.redis, logger: silentLogger, benchmarksDir: join(root, 'benchmarks'), redisPrefix: t.prefix });
  });
  afterAll(async () => {
    await app?.close();
    await t?.cleanup();
  });

  it('asks a browser for the key (Basic) on the page and its assets, and serves them to a read key', async () => {
    for (const url of ['/', '/?x=1', '/ui/main.js', '/ui/main.css']) {
      const refused = await app.inject({ method: 'GET', url });
      expect(refused.statusCode, url).toBe(401);
      expect([refused.headers['www-authenticate']].flat(), url).toContain('Basic realm="genie-enhancer", charset="UTF-8"');
    }
    const page = await app.inject({ method: 'GET', url: '/', headers: basic(readKey) });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('<script type="module" src="/ui/main.js"></script>');
    // scripts only from the API itself: nothing is fetched from elsewhere at run time
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self'/);
    const js = await app.inject({ method: 'GET', url: '/ui/main.js', headers: basic(readKey) });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toMatch(/^text\/javascript/);
    expect(js.body).toContain('/runs/');
    expect(js.body).not.toMatch(/https?:\/\/(?!www\.w3\.org)/); // no CDN or other origin (the SVG namespace aside)
    const css = await app.inject({ method: 'GET', url: '/ui/main.css', headers: basic(readKey) });
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toMatch(/^text\/css/);
  });

  it('answers the read routes for a new run, 404 for an unknown run and 400 for a malformed id', async () => {
    const started = await app.inject({
      method: 'POST', url: '/runs', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      payload: { space_id: '0123456789abcdef0123456789abcdef', warehouse_id: '0123456789abcdef', questions: [{ id: 'q1', question: 'How many?', expected_sql: 'SELECT 1' }] },
    });
    expect(started.statusCode).toBe(202);
    const runId = started.json().run_id;
    const get = (url: string) => app.inject({ method: 'GET', url, headers: basic(readKey) });

    expect((await get(`/runs/${runId}/progress`)).json()).toMatchObject({ run_id: runId, status: 'queued', loop: 0, stage: 'preflight', done: null, total: null });
    expect((await get(`/runs/${runId}/passes`)).json()).toEqual({ run_id: runId, accepted_pass: 0, passes: [] });
    expect((await get(`/runs/${runId}/snapshots`)).json()).toEqual({ run_id: runId, snapshots: [] });
    for (const route of ['progress', 'passes', 'snapshots']) {
      expect((await get(`/runs/${randomUUID()}/${route}`)).statusCode, route).toBe(404);
      expect((await get(`/runs/not-a-run/${route}`)).statusCode, route).toBe(400);
    }
    await app.inject({ method: 'POST', url: `/runs/${runId}/cancel`, headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, payload: {} });
  });

  it('counts the answers of the current pass, repeats included, and estimates the time left from their pace', async () => {
    const store = new RunStore(t.redis, t.prefix);
    const runId = randomUUID();
    const questions = ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id, question: `question ${id}?`, expected_sql: 'SELECT 1' }));
    const config = RunConfig.parse({ space_id: 'fedcba9876543210fedcba9876543210', warehouse_id: '0123456789abcdef', in_place: true, repeats: 2, holdout: 0 });
    await store.create({ runId, config, questions, source: 'inline' });
    await store.transition(runId, { type: 'preflight_passed', excluded: [{ question_id: 'e', reasons: ['its SQL returns nothing'] }] });
    await store.stageStarted(runId, 0, 'score');
    const answer = (question_id: string, repeat: number): QuestionResult =>
      ({ question_id, question: '?', verdict: 'pass', reason_code: 'MATCH', reason: 'same rows', expected_sql: 'SELECT 1', duration_ms: 5, repeat });
    const progress = async () => (await app.inject({ method: 'GET', url: `/runs/${runId}/progress`, headers: basic(readKey) })).json();

    expect(await progress()).toMatchObject({ stage: 'score', loop: 0, done: 0, total: 8, eta_seconds: null });
    await new Promise((r) => setTimeout(r, 1100)); // the pass has been going for a second
    for (const [id, repeat] of [['a', 0], ['a', 1], ['b', 0], ['b', 0]] as const) await store.saveResult(runId, 0, answer(id, repeat));
    const now = await progress();
    // three distinct answers (a retried one counts once) of (5 - 1 excluded) × 2 repeats, the other five at the same pace
    expect(now).toMatchObject({ done: 3, total: 8 });
    expect(now.eta_seconds).toBeGreaterThanOrEqual(Math.round((5 / 3) * 1.1));
    await store.transition(runId, { type: 'cancel_requested' });
  });
});
