import type { Redis } from 'ioredis';
import type { BenchmarkQuestion, Fix, LoopDecision, QuestionResult, RejectedFix, RunConfig } from '../schemas/index.ts';

export type RunStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
export type StageName = 'score' | 'plan' | 'apply';

export interface RunRecord {
  run_id: string;
  status: RunStatus;
  created_at: string;
  updated_at: string;
  config: RunConfig;
  /** where the questions came from: "inline", "file:<name>" or "space" */
  benchmark_source: string;
  question_count: number;
  /** the loop being worked on (0 = baseline scoring) */
  loop: number;
  decision?: LoopDecision;
  target_reached?: boolean;
  error?: string;
}

/** The scoring pass that ends a loop, summarised, with the decision it led to. */
export interface PassSummary {
  score: number;
  passed: number;
  total: number;
  fixed: string[];
  regressed: string[];
  decision: LoopDecision;
}
export interface PlanRecord { proposed: Fix[]; rejected: RejectedFix[]; analysis?: string; model: string }
export interface ApplyRecord { applied: Fix[]; skipped: RejectedFix[]; metric_views_created: string[] }
export interface LoopState { loop: number; pass?: PassSummary; plan?: PlanRecord; apply?: ApplyRecord }
export interface StageTiming { loop: number; stage: StageName; started_at: string; ended_at?: string; duration_ms?: number }

/** Another request with the same Idempotency-Key is still starting its run. */
export class IdempotencyConflictError extends Error {
  readonly statusCode = 409;
  constructor(key: string) {
    super(`a request with Idempotency-Key "${key}" is still being processed; retry shortly`);
  }
}

/** A run still to be worked on: queued or running. */
export const isActiveStatus = (status: string | null | undefined): boolean => status === 'queued' || status === 'running';
const json = <T>(text: string | null | undefined): T | undefined => (text ? (JSON.parse(text) as T) : undefined);

/**
 * Run state in Redis, so any API or worker process can answer or continue a run. Key layout (prefix `ge`):
 *   ge:runs                          ZSET run ids by creation time
 *   ge:run:<id>                      HASH the run record (config and scalar fields)
 *   ge:run:<id>:questions            STRING JSON benchmark questions, in job-index order
 *   ge:run:<id>:pass:<k>             HASH question_id → QuestionResult JSON of scoring pass k (one per question)
 *   ge:run:<id>:loop:<k>             HASH pass | plan | apply | backup → JSON of loop k (backup = serialized_space before)
 *   ge:run:<id>:timings              HASH "<k>.<stage>" → StageTiming JSON
 *   ge:idempotency:<key>             STRING run id, 24 h
 */
export class RunStore {
  constructor(
    readonly redis: Redis,
    readonly prefix = 'ge',
  ) {}

  private key = (...parts: (string | number)[]) => [this.prefix, ...parts].join(':');

  /** Creates the run unless the idempotency key already names one; returns that run then. */
  async create(input: { runId: string; config: RunConfig; questions: BenchmarkQuestion[]; source: string; idempotencyKey?: string }): Promise<{ run: RunRecord; created: boolean }> {
    if (input.idempotencyKey) {
      const idem = this.key('idempotency', input.idempotencyKey);
      if ((await this.redis.set(idem, input.runId, 'EX', 24 * 3600, 'NX')) !== 'OK') {
        // the request that took the key may still be writing its run
        for (let i = 0; i < 40; i++) {
          const existing = await this.get((await this.redis.get(idem)) ?? '');
          if (existing) return { run: existing, created: false };
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        throw new IdempotencyConflictError(input.idempotencyKey);
      }
    }
    const now = new Date().toISOString();
    const run: RunRecord = {
      run_id: input.runId, status: 'queued', created_at: now, updated_at: now, config: input.config,
      benchmark_source: input.source, question_count: input.questions.length, loop: 0,
    };
    await this.redis
      .multi()
      .hset(this.key('run', input.runId), { ...run, config: JSON.stringify(run.config) })
      .set(this.key('run', input.runId, 'questions'), JSON.stringify(input.questions))
      .zadd(this.key('runs'), Date.now(), input.runId)
      .exec();
    return { run, created: true };
  }

  /** Lets a key be used again, when the run it named could not be started. */
  async forgetIdempotencyKey(key: string): Promise<void> {
    await this.redis.del(this.key('idempotency', key));
  }

  async get(runId: string): Promise<RunRecord | undefined> {
    const h = await this.redis.hgetall(this.key('run', runId));
    if (!h.run_id) return undefined;
    return {
      run_id: h.run_id, status: h.status as RunStatus, created_at: h.created_at, updated_at: h.updated_at,
      config: JSON.parse(h.config) as RunConfig, benchmark_source: h.benchmark_source,
      question_count: Number(h.question_count), loop: Number(h.loop),
      ...(h.decision ? { decision: h.decision as LoopDecision } : {}),
      ...(h.target_reached ? { target_reached: h.target_reached === 'true' } : {}),
      ...(h.error ? { error: h.error } : {}),
    };
  }

  /** Newest first. */
  async list(limit = 50): Promise<RunRecord[]> {
    const ids = await this.redis.zrevrange(this.key('runs'), 0, limit - 1);
    return (await Promise.all(ids.map((id) => this.get(id)))).filter((r): r is RunRecord => r !== undefined);
  }

  async isActive(runId: string): Promise<boolean> {
    return isActiveStatus(await this.redis.hget(this.key('run', runId), 'status'));
  }

  async questions(runId: string): Promise<BenchmarkQuestion[]> {
    return json<BenchmarkQuestion[]>(await this.redis.get(this.key('run', runId, 'questions'))) ?? [];
  }

  private async update(runId: string, fields: Record<string, string | number>): Promise<void> {
    await this.redis.hset(this.key('run', runId), { ...fields, updated_at: new Date().toISOString() });
  }

  /** Moves an active run on to a loop; a finished or cancelled run stays as it is. */
  async markRunning(runId: string, loop: number): Promise<void> {
    if (await this.isActive(runId)) await this.update(runId, { status: 'running', loop });
  }

  async finish(runId: string, decision: LoopDecision, targetReached: boolean): Promise<void> {
    if (await this.isActive(runId)) await this.update(runId, { status: 'completed', decision, target_reached: String(targetReached) });
  }

  async fail(runId: string, error: string): Promise<void> {
    if (await this.isActive(runId)) await this.update(runId, { status: 'failed', error });
  }

  /** true when the run was active and is now cancelled. */
  async cancel(runId: string): Promise<boolean> {
    if (!(await this.isActive(runId))) return false;
    await this.update(runId, { status: 'cancelled' });
    return true;
  }

  /** HSET keeps exactly one result per question and pass, however often a job is retried. */
  async saveResult(runId: string, pass: number, result: QuestionResult): Promise<void> {
    await this.redis.hset(this.key('run', runId, 'pass', pass), result.question_id, JSON.stringify(result));
  }

  async result(runId: string, pass: number, questionId: string): Promise<QuestionResult | undefined> {
    return json<QuestionResult>(await this.redis.hget(this.key('run', runId, 'pass', pass), questionId));
  }

  async passResults(runId: string, pass: number): Promise<Map<string, QuestionResult>> {
    const h = await this.redis.hgetall(this.key('run', runId, 'pass', pass));
    return new Map(Object.entries(h).map(([id, text]) => [id, JSON.parse(text) as QuestionResult]));
  }

  async saveLoop(runId: string, loop: number, part: { pass?: PassSummary; plan?: PlanRecord; apply?: ApplyRecord; backup?: string }): Promise<void> {
    const fields = Object.fromEntries(Object.entries(part).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
    await this.redis.hset(this.key('run', runId, 'loop', loop), fields);
  }

  async loop(runId: string, loop: number): Promise<LoopState & { backup?: string }> {
    const h = await this.redis.hgetall(this.key('run', runId, 'loop', loop));
    return {
      loop,
      ...(h.pass ? { pass: json<PassSummary>(h.pass) } : {}),
      ...(h.plan ? { plan: json<PlanRecord>(h.plan) } : {}),
      ...(h.apply ? { apply: json<ApplyRecord>(h.apply) } : {}),
      ...(h.backup ? { backup: h.backup } : {}),
    };
  }

  /** Loops 0..current that hold anything. */
  async loops(runId: string): Promise<LoopState[]> {
    const run = await this.get(runId);
    if (!run) return [];
    const loops = await Promise.all(Array.from({ length: run.loop + 2 }, (_, k) => this.loop(runId, k)));
    return loops.filter((l) => l.pass || l.plan || l.apply).map(({ backup: _backup, ...rest }) => rest);
  }

  async stageStarted(runId: string, loop: number, stage: StageName): Promise<void> {
    const timing: StageTiming = { loop, stage, started_at: new Date().toISOString() };
    await this.redis.hsetnx(this.key('run', runId, 'timings'), `${loop}.${stage}`, JSON.stringify(timing));
  }

  async stageEnded(runId: string, loop: number, stage: StageName): Promise<void> {
    const field = `${loop}.${stage}`;
    const started = json<StageTiming>(await this.redis.hget(this.key('run', runId, 'timings'), field));
    const ended = new Date();
    const startedAt = started?.started_at ?? ended.toISOString();
    const timing: StageTiming = { loop, stage, started_at: startedAt, ended_at: ended.toISOString(), duration_ms: ended.getTime() - Date.parse(startedAt) };
    await this.redis.hset(this.key('run', runId, 'timings'), field, JSON.stringify(timing));
  }

  async timings(runId: string): Promise<StageTiming[]> {
    const h = await this.redis.hgetall(this.key('run', runId, 'timings'));
    return Object.values(h).map((t) => JSON.parse(t) as StageTiming).sort((a, b) => a.loop - b.loop || a.started_at.localeCompare(b.started_at));
  }
}
