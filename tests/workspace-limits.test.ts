import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '@genie-enhancer/databricks-sim';
import { GenieRateLimiter, workspaceKey } from '@genie-enhancer/queue-runtime';
import { BenchmarkFile } from '@genie-enhancer/shared';
import { postRun, startServiceStack, waitForRun, type ServiceStack } from './helpers/service-stack.ts';
import { testRedis, type TestRedis } from './helpers/test-redis.ts';
import { busiestWindow } from './helpers/busiest-window.ts';

const root = join(import.meta.dirname, '..');
const questions = BenchmarkFile.parse(JSON.parse(readFileSync(join(root, 'benchmarks', 'kpi_benchmark.json'), 'utf8'))).questions.slice(0, 10);
// a short window keeps the test short; the limiter counts any window the same way. The margin covers a request's
// way to the workspace (the first ones, opening connections, take longest on a loaded machine).
const WINDOW_MS = 3_000;
const LIMITS = { a: 2, b: 6 };

describe('one Genie limit per workspace', () => {
  let t: TestRedis;
  const connections: Redis[] = [];
  beforeAll(async () => void (t = await testRedis('workspace-limit')));
  afterAll(async () => {
    await Promise.all(connections.map((c) => c.quit()));
    await t.cleanup();
  });

  const limiterOf = (workspace: string, config: ConstructorParameters<typeof GenieRateLimiter>[1]) => {
    const connection = new Redis(t.url);
    connections.push(connection);
    return new GenieRateLimiter(connection, config, workspace);
  };

  it('counts a slot from its re-stamp (the answer to the start): a slow request never shortens the window at the workspace', async () => {
    const limiter = limiterOf(`${t.prefix}-restamp.example`, { perMinute: 1, maxInFlight: 0, windowMs: 1_000, safetyMarginMs: 0 });
    const started = Date.now();
    const first = await limiter.acquire();
    await new Promise((r) => setTimeout(r, 500));
    // the request took 500 ms to be answered: its slot now counts from here
    await limiter.restamp(first.slot);
    await first();
    await (await limiter.acquire({ signal: AbortSignal.timeout(10_000) }))();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_500 - 20);
  });

  it('keys a workspace by its host as written anywhere', () => {
    expect(workspaceKey('https://Adb-1.2.azuredatabricks.net/')).toBe('adb-1.2.azuredatabricks.net');
    expect(workspaceKey('adb-1.2.azuredatabricks.net')).toBe('adb-1.2.azuredatabricks.net');
    expect(workspaceKey('http://127.0.0.1:8443')).toBe('127.0.0.1:8443');
  });

  it('shares one limit between limiters of one workspace (any stack), never between workspaces', async () => {
    const limiter = (workspace: string) => limiterOf(workspace, { perMinute: 3, maxInFlight: 0, windowMs: 60_000, safetyMarginMs: 0 });
    const host = `${t.prefix}.example:443`;
    const [first, second, other] = [limiter(host), limiter(host), limiter(`other-${host}`)];
    for (const l of [first, second, first]) await (await l.acquire())();
    // the workspace's three slots are gone, whichever limiter took them; another workspace still has its own
    const aborted = AbortSignal.timeout(300);
    await expect(second.acquire({ signal: aborted })).rejects.toThrow();
    for (let i = 0; i < 3; i++) await (await other.acquire({ signal: AbortSignal.timeout(2_000) }))();
  });
});

describe('runs on two workspaces proceed side by side, each at its own limit', () => {
  let t: TestRedis;
  const sims: Simulator[] = [];
  const stacks: ServiceStack[] = [];

  beforeAll(async () => {
    t = await testRedis('two-workspaces');
    for (const limit of [LIMITS.a, LIMITS.b]) {
      const sim = await createSimulator({ datasets: [join(root, 'datasets', 'kpi-retail')], genieLatencyMs: 100 });
      sims.push(sim);
      // each workspace has its own stack (its own queues); both stacks share one Redis
      stacks.push(await startServiceStack(sim, { ...t, prefix: `${t.prefix}-${sims.length}` }, {
        scorers: 1,
        env: { GENIE_QUESTIONS_PER_MINUTE: String(limit), GENIE_RATE_WINDOW_MS: String(WINDOW_MS), GENIE_RATE_SAFETY_MARGIN_MS: '1000', GENIE_MAX_IN_FLIGHT: '10', WORKER_CONCURRENCY: '10', METRICS_PORT: '0' },
      }));
    }
  }, 240_000);
  afterAll(async () => {
    await Promise.all(stacks.map((s) => s.stop()));
    await Promise.all(sims.map((s) => s.close()));
    await t?.cleanup();
  });

  it('holds each simulator to its own limit while both run at once', async () => {
    const runs = await Promise.all(sims.map((sim, i) => postRun(stacks[i].api, {
      space_id: sim.spaces[0].space_id, warehouse_id: sim.warehouseId, questions, target_score: 0.05, max_loops: 1, genie_concurrency: 10,
    })));
    const ended = await Promise.all(runs.map((id, i) => waitForRun(stacks[i].api, id, 180_000)));
    expect(ended.map((r) => r.status)).toEqual(['completed', 'completed']);

    const [a, b] = sims.map((sim) => sim.requestLog.filter((r) => r.kind === 'genie_question' && r.status === 200).map((r) => r.at));
    expect(a.length).toBeGreaterThanOrEqual(questions.length);
    expect(b.length).toBeGreaterThanOrEqual(questions.length);
    expect(busiestWindow(a, WINDOW_MS)).toBeLessThanOrEqual(LIMITS.a);
    expect(busiestWindow(b, WINDOW_MS)).toBeLessThanOrEqual(LIMITS.b);
    // B used more than A's limit: it was not held to A's limit, nor to one shared between them
    expect(busiestWindow(b, WINDOW_MS)).toBeGreaterThan(LIMITS.a);
    // side by side: B started before A had finished
    expect(Math.min(...b)).toBeLessThan(Math.max(...a));
  }, 240_000);

  it("exposes on each worker's metrics port what it did: answers by verdict, limiter waits, runs ended", async () => {
    const scrape = async (stack: ServiceStack) => {
      const texts = await Promise.all(stack.processes.filter((p) => p.name !== 'api').map(async (p) => {
        const port = JSON.parse(await p.waitForLine(/metrics listening/)).metrics_port as number;
        const response = await fetch(`http://127.0.0.1:${port}/metrics`);
        expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
        return response.text();
      }));
      return (name: string, labels = '') => texts.reduce((sum, text) => sum + [...text.matchAll(new RegExp(`^${name}\\{?${labels}[^}\\n]*\\}? (\\S+)$`, 'gm'))].reduce((s, m) => s + Number(m[1]), 0), 0);
    };
    for (const [i, stack] of stacks.entries()) {
      const metric = await scrape(stack);
      expect(metric('genie_enhancer_questions_scored_total')).toBe(questions.length);
      expect(metric('genie_enhancer_limiter_wait_seconds_count')).toBe(questions.length);
      expect(metric('genie_enhancer_genie_latency_seconds_count', 'workspace="127.0.0.1')).toBe(questions.length);
      expect(metric('genie_enhancer_runs_ended_total', 'outcome="completed"')).toBe(1);
      // the workspace with the lower limit made its questions wait longer
      if (i === 0) expect(metric('genie_enhancer_limiter_wait_seconds_sum')).toBeGreaterThan(WINDOW_MS / 1000);
      expect(metric('genie_enhancer_queue_jobs', 'queue="genie-score",state="completed"') + metric('genie_enhancer_queue_jobs', 'queue="genie-score",state="waiting"')).toBeGreaterThan(0);
    }
  }, 60_000);
});
