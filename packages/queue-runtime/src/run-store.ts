import type { ChainableCommander } from 'ioredis';
import { scaleMetrics } from './metrics.ts';
import type { RedisClient } from './redis-client.ts';
import { isActive, nextStep, startRun, type Agreement, type AppliedLoop, type BenchmarkQuestion, type HistoryEvent, type RunCommand, type QuestionResult, type RunConfig, type RunEvent, type RunState, type Step } from '@genie-enhancer/shared';
import { outboxKey } from './history-outbox.ts';

export type StageName = RunCommand['type'];

/** A run as stored: the engine's state plus when and from what it was started. */
export interface StoredRun {
  state: RunState;
  created_at: string;
  updated_at: string;
  /** where the questions came from: "inline", "file:<name>" or "space" */
  benchmark_source: string;
  /** state changes so far: the history keeps the newest revision of a run, whatever order its events arrive in */
  revision?: number;
  /** who started the run (the API key's name) */
  started_by?: string;
}

export interface StageTiming { loop: number; stage: StageName; started_at: string; ended_at?: string; duration_ms?: number }

/** Another request with the same Idempotency-Key is still starting its run. */
export class IdempotencyConflictError extends Error {
  readonly statusCode = 409;
  constructor(key: string) {
    super(`a request with Idempotency-Key "${key}" is still being processed; retry shortly`);
  }
}

/** Hash field of one answer: the question id for the first (the only one without repeats), `id#r` after. */
export const resultField = (questionId: string, repeat = 0): string => (repeat === 0 ? questionId : `${questionId}#${repeat}`);

/** Another run is still working on the space: one active run per space, so two never merge fixes into it at once. */
export class SpaceBusyError extends Error {
  readonly statusCode = 409;
  constructor(spaceId: string, readonly runId: string) {
    super(`space ${spaceId} already has an active run (${runId}); cancel it or wait for it to end`);
  }
}

// KEYS[1] = the space's lock; ARGV[1] = the holder we found (now inactive), ARGV[2] = the new run, ARGV[3] = TTL
const TAKE_OVER = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3]) return 1 end return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) return 1 end return 0`;

const COMPARE_AND_SET = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3]) return 1 end return 0`;
// the same, plus the history event in the outbox stream (KEYS[2]) in the same atomic step
const COMPARE_AND_SET_RECORDED = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3]) redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[5], '*', 'event', ARGV[4]) return 1 end return 0`;

const json = <T>(text: string | null | undefined): T | undefined => (text ? (JSON.parse(text) as T) : undefined);

/**
 * Runs in Redis, so any API or worker process can answer or continue one. Key layout (prefix `ge`):
 *   ge:runs                          ZSET run ids by creation time
 *   ge:run:<id>                      STRING JSON StoredRun: the engine's RunState, changed only through transition()
 *   ge:run:<id>:questions            STRING JSON benchmark questions, in job-index order
 *   ge:run:<id>:pass:<k>             HASH question_id[#repeat] → QuestionResult JSON of pass k (one per question and repeat)
 *   ge:run:<id>:backup:<k>           STRING serialized_space before loop k's update; 0 = the original as copied
 *   ge:run:<id>:intent:<k>           STRING JSON what loop k's apply is about to write, stored before the PATCH
 *   ge:run:<id>:applied:<k>          STRING serialized_space after loop k's update (what a restore puts back)
 *   ge:run:<id>:progress             STRING time of the last question result (the stalled check reads it)
 *   ge:run:<id>:timings              HASH "<k>.<stage>" → StageTiming JSON
 *   ge:idempotency:<key>             STRING run id, 24 h
 *   ge:space-lock:<space_id>         STRING the space's active run (one at a time), released when it ends
 *   ge:history:outbox                STREAM history events for the mirror worker (with `history`), see history-outbox.ts
 * On Redis Cluster the prefix is a hash tag (`{ge}`, see redisKeyPrefix), so every MULTI and script here touches one slot.
 */
/** runs whose question lists a store keeps parsed (see RunStore.question) */
const QUESTION_LISTS_KEPT = 4;

export class RunStore {
  constructor(
    readonly redis: RedisClient,
    readonly prefix = 'ge',
    /** every key of a run expires this long after its last write (RUN_RETENTION_DAYS); nothing is kept for ever */
    readonly retentionSeconds = 30 * 24 * 3600,
    /** append every stored change to the history outbox, at most `maxLength` entries (the mirror drains it) */
    readonly history?: { maxLength: number },
  ) {}

  private outbox = () => outboxKey(this.prefix);

  /** The run as the history keeps it, from what this store holds. */
  private async historyEvent(run: StoredRun, questionIds?: string[]): Promise<string> {
    const [questions, timings] = questionIds ? [undefined, []] : await Promise.all([this.questions(run.state.run_id), this.timings(run.state.run_id)]);
    const event: HistoryEvent = {
      type: 'run',
      run: {
        state: run.state, created_at: run.created_at, updated_at: run.updated_at, benchmark_source: run.benchmark_source,
        revision: run.revision ?? 0, question_ids: questionIds ?? questions!.map((q) => q.id), timings,
        ...(run.started_by ? { started_by: run.started_by } : {}),
      },
    };
    return JSON.stringify(event);
  }

  /** Adds the history event (JSON) to a transaction that stores what it describes, so neither lands alone. */
  private recorded(multi: ChainableCommander, event: HistoryEvent | string): ChainableCommander {
    return this.history ? multi.xadd(this.outbox(), 'MAXLEN', '~', this.history.maxLength, '*', 'event', typeof event === 'string' ? event : JSON.stringify(event)) : multi;
  }

  private key = (...parts: (string | number)[]) => [this.prefix, ...parts].join(':');

  /** Creates the run unless the idempotency key already names one; returns that run then (and no commands). */
  async create(input: { runId: string; config: RunConfig; questions: BenchmarkQuestion[]; source: string; idempotencyKey?: string; startedBy?: string }): Promise<{ run: StoredRun; created: boolean; step: Step }> {
    if (input.idempotencyKey) {
      const idem = this.key('idempotency', input.idempotencyKey);
      if ((await this.redis.set(idem, input.runId, 'EX', 24 * 3600, 'NX')) !== 'OK') {
        // the request that took the key may still be writing its run
        for (let i = 0; i < 40; i++) {
          const existing = await this.get((await this.redis.get(idem)) ?? '');
          if (existing) return { run: existing, created: false, step: { state: existing.state, commands: [] } };
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        throw new IdempotencyConflictError(input.idempotencyKey);
      }
    }
    await this.lockSpace(input.config.space_id, input.runId);
    const now = new Date().toISOString();
    const step = startRun(input.runId, input.config, input.questions.map((q) => q.id));
    const run: StoredRun = { state: step.state, created_at: now, updated_at: now, benchmark_source: input.source, revision: 0, ...(input.startedBy ? { started_by: input.startedBy } : {}) };
    const ttl = this.retentionSeconds;
    const multi = this.history ? this.recorded(this.redis.multi(), await this.historyEvent(run, input.questions.map((q) => q.id))) : this.redis.multi();
    await multi
      .set(this.key('run', input.runId, 'questions'), JSON.stringify(input.questions), 'EX', ttl)
      .set(this.key('run', input.runId), JSON.stringify(run), 'EX', ttl)
      .zadd(this.key('runs'), Date.now(), input.runId)
      // the index forgets runs whose keys have expired
      .zremrangebyscore(this.key('runs'), '-inf', Date.now() - ttl * 1000)
      .expire(this.key('runs'), ttl)
      .exec();
    return { run, created: true, step };
  }

  /** Takes the space for a new run, unless an active run holds it (a holder still being written counts as active). */
  private async lockSpace(spaceId: string, runId: string): Promise<void> {
    const lock = this.key('space-lock', spaceId);
    for (;;) {
      if ((await this.redis.set(lock, runId, 'EX', this.retentionSeconds, 'NX')) === 'OK') return;
      const holder = await this.redis.get(lock);
      if (holder === null) continue;
      const state = await this.state(holder);
      if (!state || isActive(state)) throw new SpaceBusyError(spaceId, holder);
      if (Number(await this.redis.eval(TAKE_OVER, 1, lock, holder, runId, this.retentionSeconds)) === 1) return;
    }
  }

  /** Lets a key be used again, when the run it named could not be started. */
  async forgetIdempotencyKey(key: string): Promise<void> {
    await this.redis.del(this.key('idempotency', key));
  }

  async get(runId: string): Promise<StoredRun | undefined> {
    return json<StoredRun>(await this.redis.get(this.key('run', runId)));
  }

  async state(runId: string): Promise<RunState | undefined> {
    return (await this.get(runId))?.state;
  }

  /**
   * Applies one event through the engine atomically: a compare-and-set on the stored JSON (a concurrent change
   * makes this read and decide again), so a cancel and a stage result never overwrite each other. WATCH would not
   * do: jobs of one process share a connection, and EXEC drops every WATCH on it.
   */
  async transition(runId: string, event: RunEvent): Promise<Step | undefined> {
    const key = this.key('run', runId);
    for (;;) {
      const text = await this.redis.get(key);
      const run = json<StoredRun>(text);
      if (!run) return undefined;
      const step = nextStep(run.state, event);
      if (step.ignored) return step;
      const updated: StoredRun = { ...run, state: step.state, updated_at: new Date().toISOString(), revision: (run.revision ?? 0) + 1 };
      const stored = this.history
        ? await this.redis.eval(COMPARE_AND_SET_RECORDED, 2, key, this.outbox(), text!, JSON.stringify(updated), this.retentionSeconds, await this.historyEvent(updated), this.history.maxLength)
        : await this.redis.eval(COMPARE_AND_SET, 1, key, text!, JSON.stringify(updated), this.retentionSeconds);
      if (Number(stored) === 1) {
        await this.redis.expire(this.key('run', runId, 'questions'), this.retentionSeconds);
        if (!isActive(step.state)) {
          await this.redis.eval(RELEASE, 1, this.key('space-lock', step.state.config.space_id), runId);
          if (isActive(run.state)) scaleMetrics.runsEnded.inc({ outcome: step.state.status });
        }
        return step;
      }
    }
  }

  /** When the run last moved: its last transition or its last question result, whichever is later. */
  async lastProgress(run: StoredRun): Promise<string> {
    const result = await this.redis.get(this.key('run', run.state.run_id, 'progress'));
    return result && result > run.updated_at ? result : run.updated_at;
  }

  /** Newest first. */
  async list(limit = 50): Promise<StoredRun[]> {
    const ids = await this.redis.zrevrange(this.key('runs'), 0, limit - 1);
    return (await Promise.all(ids.map((id) => this.get(id)))).filter((r): r is StoredRun => r !== undefined);
  }

  async questions(runId: string): Promise<BenchmarkQuestion[]> {
    return json<BenchmarkQuestion[]>(await this.redis.get(this.key('run', runId, 'questions'))) ?? [];
  }

  /** parsed question lists of the latest runs asked for by question (a run's list is written once, at creation) */
  private readonly questionLists = new Map<string, Promise<BenchmarkQuestion[]>>();

  /**
   * One question of a run. A scorer asks for each question of a pass in turn: reading and parsing the whole list
   * every time cost O(N) CPU and garbage per question. The list is kept for the last few runs only.
   */
  async question(runId: string, index: number): Promise<BenchmarkQuestion | undefined> {
    let list = this.questionLists.get(runId);
    if (!list) {
      list = this.questions(runId);
      this.questionLists.set(runId, list);
      if (this.questionLists.size > QUESTION_LISTS_KEPT) this.questionLists.delete(this.questionLists.keys().next().value!);
      // a run not (yet) stored is asked for again next time
      void list.then((l) => l.length === 0 && this.questionLists.get(runId) === list && this.questionLists.delete(runId), () => this.questionLists.delete(runId));
    }
    return (await list)[index];
  }

  /** HSET keeps exactly one result per question, repeat and pass, however often a job is retried. */
  async saveResult(runId: string, pass: number, result: QuestionResult, split: 'train' | 'holdout' = 'train'): Promise<void> {
    const key = this.key('run', runId, 'pass', pass);
    await this.recorded(this.redis.multi(), { type: 'results', run_id: runId, pass, split, results: [result] })
      .hset(key, resultField(result.question_id, result.repeat), JSON.stringify(result))
      .expire(key, this.retentionSeconds)
      .set(this.key('run', runId, 'progress'), new Date().toISOString(), 'EX', this.retentionSeconds)
      .exec();
  }

  async result(runId: string, pass: number, questionId: string, repeat?: number): Promise<QuestionResult | undefined> {
    return json<QuestionResult>(await this.redis.hget(this.key('run', runId, 'pass', pass), resultField(questionId, repeat)));
  }

  /** Every result of a pass, keyed `<question_id>` (first answer) or `<question_id>#<repeat>`. */
  async passResults(runId: string, pass: number): Promise<Map<string, QuestionResult>> {
    const h = await this.redis.hgetall(this.key('run', runId, 'pass', pass));
    return new Map(Object.entries(h).map(([id, text]) => [id, JSON.parse(text) as QuestionResult]));
  }

  /** scorer `both`: how our comparison and Genie's evaluation agreed on a pass (the same pass written twice is one entry) */
  async saveAgreement(runId: string, pass: number, agreement: Agreement): Promise<void> {
    const key = this.key('run', runId, 'agreements');
    await this.redis.multi().hset(key, String(pass), JSON.stringify(agreement)).expire(key, this.retentionSeconds).exec();
  }

  /** Every recorded agreement of the run, by pass. */
  async agreements(runId: string): Promise<Record<number, Agreement>> {
    const h = await this.redis.hgetall(this.key('run', runId, 'agreements'));
    return Object.fromEntries(Object.entries(h).map(([pass, text]) => [Number(pass), JSON.parse(text) as Agreement]));
  }

  /** What loop k's apply is about to write (stored before the PATCH), so a retry recognises a write that landed. */
  async saveApplyIntent(runId: string, loop: number, intent: AppliedLoop): Promise<void> {
    await this.redis.set(this.key('run', runId, 'intent', loop), JSON.stringify(intent), 'EX', this.retentionSeconds);
  }

  async applyIntent(runId: string, loop: number): Promise<AppliedLoop | undefined> {
    return json<AppliedLoop>(await this.redis.get(this.key('run', runId, 'intent', loop)));
  }

  /** The configuration loop k's update left, for a later restore. */
  async saveSnapshot(runId: string, loop: number, serializedSpace: string, spaceId = ''): Promise<void> {
    await this.recorded(this.redis.multi(), { type: 'snapshot', run_id: runId, loop, kind: 'after', space_id: spaceId, serialized_space: serializedSpace, taken_at: new Date().toISOString() })
      .set(this.key('run', runId, 'applied', loop), serializedSpace, 'EX', this.retentionSeconds)
      .exec();
  }

  async snapshots(runId: string): Promise<{ backups: Record<number, string>; snapshots: Record<number, string> }> {
    const state = await this.state(runId);
    const loops = [0, ...(state?.loops.map((l) => l.loop) ?? [])];
    const read = async (kind: string) =>
      Object.fromEntries((await Promise.all(loops.map(async (k) => [k, await this.redis.get(this.key('run', runId, kind, k))] as const))).filter(([, v]) => v !== null)) as Record<number, string>;
    return { backups: await read('backup'), snapshots: await read('applied') };
  }

  /** The configuration before loop k's update (0: the original as the run copied it). */
  async saveBackup(runId: string, loop: number, serializedSpace: string, spaceId = ''): Promise<void> {
    await this.recorded(this.redis.multi(), { type: 'snapshot', run_id: runId, loop, kind: 'before', space_id: spaceId, serialized_space: serializedSpace, taken_at: new Date().toISOString() })
      .set(this.key('run', runId, 'backup', loop), serializedSpace, 'EX', this.retentionSeconds)
      .exec();
  }

  async backup(runId: string, loop: number): Promise<string | undefined> {
    return (await this.redis.get(this.key('run', runId, 'backup', loop))) ?? undefined;
  }

  async stageStarted(runId: string, loop: number, stage: StageName): Promise<void> {
    const timing: StageTiming = { loop, stage, started_at: new Date().toISOString() };
    const key = this.key('run', runId, 'timings');
    await this.redis.multi().hsetnx(key, `${loop}.${stage}`, JSON.stringify(timing)).expire(key, this.retentionSeconds).exec();
  }

  async stageEnded(runId: string, loop: number, stage: StageName): Promise<void> {
    const field = `${loop}.${stage}`;
    const started = json<StageTiming>(await this.redis.hget(this.key('run', runId, 'timings'), field));
    const ended = new Date();
    const startedAt = started?.started_at ?? ended.toISOString();
    const timing: StageTiming = { loop, stage, started_at: startedAt, ended_at: ended.toISOString(), duration_ms: ended.getTime() - Date.parse(startedAt) };
    await this.redis.multi().hset(this.key('run', runId, 'timings'), field, JSON.stringify(timing)).expire(this.key('run', runId, 'timings'), this.retentionSeconds).exec();
  }

  async timings(runId: string): Promise<StageTiming[]> {
    const h = await this.redis.hgetall(this.key('run', runId, 'timings'));
    return Object.values(h).map((t) => JSON.parse(t) as StageTiming).sort((a, b) => a.loop - b.loop || a.started_at.localeCompare(b.started_at));
  }
}
