import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '@genie-enhancer/shared';
import { testRedis, type TestRedis } from '../../../tests/helpers/test-redis.ts';
import { buildApi, type ApiOptions } from '../src/app.ts';
import { ApiKeyStore } from '../src/auth/api-keys.ts';
import { cancelActiveRuns } from './active-runs.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const BODY = { space_id: '0123456789abcdef0123456789abcdef', warehouse_id: '0123456789abcdef', questions: [{ id: 'q1', question: 'How many?', expected_sql: 'SELECT 1' }] };
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe('API authentication, scopes and request hygiene (real Redis)', () => {
  let t: TestRedis;
  let store: ApiKeyStore;
  const apps: Awaited<ReturnType<typeof buildApi>>[] = [];
  const keys: Record<'admin' | 'read' | 'run', string> = { admin: '', read: '', run: '' };
  const build = async (extra: Partial<ApiOptions> = {}) => {
    const app = await buildApi({ redis: t.redis, logger: silentLogger, benchmarksDir: join(root, 'benchmarks'), redisPrefix: t.prefix, ...extra });
    apps.push(app);
    return app;
  };
  let app: Awaited<ReturnType<typeof buildApi>>;

  beforeAll(async () => {
    t = await testRedis('auth');
    store = new ApiKeyStore(t.redis, t.prefix);
    for (const scope of ['admin', 'read', 'run'] as const) keys[scope] = (await store.create({ name: scope, scopes: [scope] })).key;
    app = await build();
  });
  // one active run per space: each test starts with none
  beforeEach(() => cancelActiveRuns((r) => app.inject(r), bearer(keys.admin)));
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.close()));
    await t.cleanup();
  });

  it('answers 401 with a Bearer challenge without a key or with an unknown one, and leaves the probes open', async () => {
    for (const [method, url] of [['GET', '/runs'], ['POST', '/runs'], ['GET', '/admin/queues'], ['GET', '/docs/json'], ['GET', '/no-such-route']] as const) {
      const response = await app.inject({ method, url });
      expect(response.statusCode, `${method} ${url}`).toBe(401);
      expect([response.headers['www-authenticate']].flat().join()).toMatch(/^Bearer realm="genie-enhancer"/);
    }
    const forged = `ge_${'0'.repeat(16)}_${'A'.repeat(43)}`;
    for (const key of [forged, keys.read.slice(0, -1) + (keys.read.endsWith('A') ? 'B' : 'A'), 'not-a-key']) {
      const response = await app.inject({ method: 'GET', url: '/runs', headers: bearer(key) });
      expect(response.statusCode).toBe(401);
      expect([response.headers['www-authenticate']].flat().join()).toContain('error="invalid_token"');
    }
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });

  it('gives each scope its routes and answers 403 naming the missing scope otherwise', async () => {
    const cases: [keyof typeof keys, 'GET' | 'POST', string, number][] = [
      ['read', 'GET', '/runs', 200],
      ['read', 'GET', `/runs/${randomUUID()}`, 404],
      ['read', 'GET', '/docs/json', 200],
      ['read', 'POST', '/runs', 403],
      ['read', 'POST', `/runs/${randomUUID()}/cancel`, 403],
      ['read', 'GET', '/admin/queues', 403],
      ['run', 'GET', '/runs', 403],
      ['run', 'POST', `/runs/${randomUUID()}/cancel`, 404],
      ['run', 'GET', '/admin/queues/api/queues', 403],
      ['admin', 'GET', '/runs', 200],
      ['admin', 'GET', '/admin/queues/api/queues', 200],
    ];
    for (const [scope, method, url, status] of cases) {
      const response = await app.inject({ method, url, headers: bearer(keys[scope]), ...(method === 'POST' ? { payload: url === '/runs' ? BODY : {} } : {}) });
      expect(response.statusCode, `${scope} ${method} ${url}`).toBe(status);
      if (status === 403) expect(response.json().message).toMatch(/lacks the "(run|read|admin)" scope/);
    }
    const started = await app.inject({ method: 'POST', url: '/runs', headers: bearer(keys.run), payload: BODY });
    expect(started.statusCode).toBe(202);
  });

  it("refuses Bull Board's add-job route without a key (401) and with a read key (403), and adds no job", async () => {
    const queue = new Queue('genie-plan', { connection: t.redis, prefix: t.prefix });
    const url = '/admin/queues/api/queues/genie-plan/add';
    const payload = { name: 'evil', data: { run_id: 'x' } };
    const jobs = () => queue.getJobCountByTypes('waiting', 'delayed', 'prioritized', 'waiting-children');
    const before = await jobs();
    expect((await app.inject({ method: 'POST', url, payload })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url, payload, headers: bearer(keys.read) })).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url, payload, headers: bearer(keys.run) })).statusCode).toBe(403);
    expect(await jobs()).toBe(before);
    // the same request with an admin key does add a job: the refusals above were the auth, not a malformed request
    expect((await app.inject({ method: 'POST', url, payload, headers: bearer(keys.admin) })).statusCode).toBe(200);
    expect(await jobs()).toBe(before + 1);
    await queue.close();
  });

  it('serves Bull Board and Swagger UI to an admin with security headers, and lets a browser log in with Basic', async () => {
    const board = await app.inject({ method: 'GET', url: '/admin/queues', headers: bearer(keys.admin) });
    expect(board.statusCode).toBe(200);
    expect(board.headers['content-security-policy']).toContain("script-src 'self'");
    expect(board.headers['x-content-type-options']).toBe('nosniff');
    const docs = await app.inject({ method: 'GET', url: '/docs', headers: bearer(keys.admin) });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toContain('text/html');
    const challenge = await app.inject({ method: 'GET', url: '/admin/queues' });
    expect([challenge.headers['www-authenticate']].flat().join('\n')).toMatch(/Basic realm/);
    const basic = `Basic ${Buffer.from(`admin:${keys.admin}`).toString('base64')}`;
    expect((await app.inject({ method: 'GET', url: '/admin/queues', headers: { authorization: basic } })).statusCode).toBe(200);
  });

  it('answers 415 to a POST that is not application/json and does not cancel the run', async () => {
    const started = await app.inject({ method: 'POST', url: '/runs', headers: bearer(keys.admin), payload: BODY });
    const runId = started.json().run_id;
    const plain = await app.inject({ method: 'POST', url: `/runs/${runId}/cancel`, headers: { ...bearer(keys.admin), 'content-type': 'text/plain' }, payload: 'x' });
    expect(plain.statusCode).toBe(415);
    const form = await app.inject({ method: 'POST', url: '/runs', headers: { ...bearer(keys.admin), 'content-type': 'application/x-www-form-urlencoded' }, payload: 'space_id=x' });
    expect(form.statusCode).toBe(415);
    expect((await app.inject({ method: 'GET', url: `/runs/${runId}`, headers: bearer(keys.admin) })).json().status).toBe('queued');
  });

  it('keeps only hashes in Redis, and a revoked key stops working', async () => {
    const { key, record } = await store.create({ name: 'temp', scopes: ['read'] });
    const secret = key.split('_').slice(2).join('_');
    const stored = JSON.stringify(await t.redis.hgetall(`${t.prefix}:apikey:${record.id}`));
    expect(stored).not.toContain(secret);
    expect((await store.list()).map((k) => k.name)).toContain('temp');
    expect((await app.inject({ method: 'GET', url: '/runs', headers: bearer(key) })).statusCode).toBe(200);
    expect(await store.revoke(record.id)).toBe(true);
    expect((await app.inject({ method: 'GET', url: '/runs', headers: bearer(key) })).statusCode).toBe(401);
  });

  it('rejects a body over the size limit (413) and a benchmark over the question cap (400 naming the field)', async () => {
    const small = await build({ redisPrefix: `${t.prefix}:small`, bootstrapKeys: [{ key: 'b'.repeat(40), scopes: ['admin'] }], bodyLimit: 10_000 });
    const big = { ...BODY, questions: [{ id: 'q1', question: 'x'.repeat(2_000), expected_sql: `SELECT '${'y'.repeat(15_000)}'` }] };
    expect((await small.inject({ method: 'POST', url: '/runs', headers: bearer('b'.repeat(40)), payload: big })).statusCode).toBe(413);
    const many = { ...BODY, questions: Array.from({ length: 1_001 }, (_, i) => ({ id: `q${i}`, question: 'q', expected_sql: 'SELECT 1' })) };
    const response = await app.inject({ method: 'POST', url: '/runs', headers: bearer(keys.admin), payload: many });
    expect(response.statusCode).toBe(400);
    expect(response.json().issues.map((i: { path: string }) => i.path)).toContain('body.questions');
  });

  it('rate-limits per key, in Redis, so one key at its limit does not stop another', async () => {
    const limited = await build({ rateLimit: { max: 3, timeWindow: '1 minute' } });
    const other = await build({ rateLimit: { max: 3, timeWindow: '1 minute' } });
    const { key: a } = await store.create({ name: 'a', scopes: ['read'] });
    const { key: b } = await store.create({ name: 'b', scopes: ['read'] });
    const statuses = [];
    // alternating between two API instances: the count is shared through Redis
    for (let i = 0; i < 4; i++) statuses.push((await (i % 2 ? other : limited).inject({ method: 'GET', url: '/runs', headers: bearer(a) })).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect((await limited.inject({ method: 'GET', url: '/runs', headers: bearer(b) })).statusCode).toBe(200);
  });

  it('opens every route when auth is disabled (local development only)', async () => {
    const open = await build({ auth: 'disabled' });
    expect((await open.inject({ method: 'GET', url: '/runs' })).statusCode).toBe(200);
  });

  it('answers 503, not 500, when Redis is down', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = server.address() as { port: number };
        server.close(() => resolve(p));
      });
    });
    const dead = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 1, retryStrategy: () => null, lazyConnect: true });
    dead.on('error', () => {});
    const down = await buildApi({ redis: dead, logger: silentLogger, benchmarksDir: join(root, 'benchmarks'), redisPrefix: 'down', bootstrapKeys: [{ key: 'd'.repeat(40), scopes: ['admin'] }] });
    try {
      for (const url of [`/runs/${randomUUID()}`, '/runs']) {
        const response = await down.inject({ method: 'GET', url, headers: bearer('d'.repeat(40)) });
        expect(response.statusCode, url).toBe(503);
      }
      const keyed = await down.inject({ method: 'GET', url: '/runs', headers: bearer(keys.admin) });
      expect(keyed.statusCode).toBe(503);
    } finally {
      await down.close().catch(() => {});
      dead.disconnect();
    }
  });
});
