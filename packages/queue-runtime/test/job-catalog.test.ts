import { Queue, QueueEvents, UnrecoverableError } from 'bullmq';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '@genie-enhancer/shared';
import {
  applyJob,
  JOB_CATALOG,
  parseJob,
  QUEUES,
  scoreQuestionJob,
  startStageWorker,
  type JobCatalog,
  type StageContext,
} from '../src/index.ts';

describe('the typed job catalog', () => {
  it('does not compile with a missing or mismatched handler', () => {
    const { apply: _apply, ...withoutApply } = JOB_CATALOG;
    // @ts-expect-error: the apply job has no entry
    const missing: JobCatalog = withoutApply;
    // @ts-expect-error: a score-question handler cannot serve plan jobs (other data)
    const mismatched: JobCatalog = { ...JOB_CATALOG, plan: { ...JOB_CATALOG.plan, handler: scoreQuestionJob } };
    const fine: JobCatalog = { ...JOB_CATALOG, plan: { ...JOB_CATALOG.plan, handler: applyJob } };
    expect([missing, mismatched, fine]).toHaveLength(3);
  });

  it('parses job data at the boundary and refuses bad data and unknown jobs as unrecoverable', () => {
    expect(parseJob({ name: 'plan', data: { run_id: 'r', loop: 2 } })).toEqual({ name: 'plan', data: { run_id: 'r', loop: 2 } });
    expect(() => parseJob({ name: 'plan', data: { run_id: 'r', loop: 0 } })).toThrow(UnrecoverableError);
    expect(() => parseJob({ name: 'plan', data: { run_id: 'r', loop: 1, extra: true } })).toThrow(/bad data for job "plan"/);
    expect(() => parseJob({ name: 'drop-everything', data: {} })).toThrow(UnrecoverableError);
  });
});

describe('a worker given bad job data (real Redis)', () => {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
  const prefix = `test-catalog-${randomUUID().slice(0, 8)}`;
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('fails the job on its first attempt, never retried, without calling a handler', async () => {
    const ctx = { store: {}, workspace: {}, dispatcher: {}, logger: silentLogger } as unknown as StageContext;
    const worker = startStageWorker({ queue: QUEUES.apply, connection: redis, prefix, ctx, concurrency: 1 });
    const events = new QueueEvents(QUEUES.apply, { connection: redis.duplicate(), prefix });
    const queue = new Queue(QUEUES.apply, { connection: redis, prefix });
    try {
      await Promise.all([worker.waitUntilReady(), events.waitUntilReady()]);
      const job = await queue.add('apply', { run_id: 'r', loop: 'not a number' }, { attempts: 5, backoff: { type: 'fixed', delay: 10 } });
      const failed = new Promise<string>((resolve) => events.on('failed', ({ jobId, failedReason }) => jobId === job.id && resolve(failedReason)));
      expect(await failed).toMatch(/bad data for job "apply": loop/);
      const after = await queue.getJob(job.id!);
      expect(after?.attemptsMade).toBe(1);
      expect(await after?.getState()).toBe('failed');
    } finally {
      await worker.close();
      await events.close();
      await queue.close();
    }
  });
});
