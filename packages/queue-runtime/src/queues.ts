import type { FlowJob, JobsOptions } from 'bullmq';
import { z } from 'zod';

/** One queue per worker service. */
export const QUEUES = { score: 'genie-score', plan: 'genie-plan', apply: 'genie-apply' } as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];
export const ALL_QUEUES = Object.values(QUEUES);

const RunId = z.string().min(1).max(100);
export const RunJobData = z.strictObject({ run_id: RunId });
export const QuestionJobData = z.strictObject({ run_id: RunId, pass: z.number().int().min(0), index: z.number().int().min(0) });
/** A scoring pass: pass 0 = baseline, pass k = after loop k's update. */
export const PassJobData = z.strictObject({ run_id: RunId, pass: z.number().int().min(0) });
export const LoopJobData = z.strictObject({ run_id: RunId, loop: z.number().int().min(1) });

/** Every job: its queue and the zod schema its data is parsed with at the worker's boundary. */
export const JOB_SPECS = {
  preflight: { queue: QUEUES.plan, schema: RunJobData },
  'score-question': { queue: QUEUES.score, schema: QuestionJobData },
  'score-pass': { queue: QUEUES.score, schema: PassJobData },
  plan: { queue: QUEUES.plan, schema: LoopJobData },
  apply: { queue: QUEUES.apply, schema: LoopJobData },
  rollback: { queue: QUEUES.apply, schema: LoopJobData },
  stage: { queue: QUEUES.apply, schema: RunJobData },
  promote: { queue: QUEUES.apply, schema: RunJobData },
  discard: { queue: QUEUES.apply, schema: RunJobData },
  restore: { queue: QUEUES.apply, schema: RunJobData },
} as const;
export type JobName = keyof typeof JOB_SPECS;
export type JobData<K extends JobName> = z.infer<(typeof JOB_SPECS)[K]['schema']>;

/** Retries with exponential backoff and jitter from `retryBackoffMs`; finished jobs kept a day for Bull Board. */
export function stageJobOptions(retryBackoffMs = 2_000): JobsOptions {
  return {
    attempts: 3,
    backoff: { type: 'exponential', delay: retryBackoffMs, jitter: 0.5 },
    removeOnComplete: { age: 24 * 3600 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}

// Custom job ids make every add idempotent (BullMQ ignores an id it still holds); ':' is not allowed in them.
export const jobIds = {
  preflight: (runId: string) => `${runId}.preflight`,
  question: (runId: string, pass: number, index: number) => `${runId}.p${pass}.q${index}`,
  pass: (runId: string, pass: number) => `${runId}.p${pass}.score`,
  plan: (runId: string, loop: number) => `${runId}.l${loop}.plan`,
  apply: (runId: string, loop: number) => `${runId}.l${loop}.apply`,
  rollback: (runId: string, loop: number) => `${runId}.l${loop}.rollback`,
  stage: (runId: string) => `${runId}.stage`,
  // a refused promotion may be asked again later: each request is its own job
  promote: (runId: string, attempt: number) => `${runId}.promote${attempt}`,
  discard: (runId: string) => `${runId}.discard`,
  restore: (runId: string, request: number) => `${runId}.restore${request}`,
};

/**
 * One scoring pass: every question is a child of the pass job, which BullMQ runs once all of them are done. A
 * question that fails for good (an outage that outlived the retries) fails its pass instead of becoming a verdict.
 */
/** `asks` = questions × repeats; job index i asks question ⌊i / repeats⌋ for the (i mod repeats)-th time. */
export function scoringPassFlow(runId: string, pass: number, asks: number, options: JobsOptions = stageJobOptions()): FlowJob {
  return {
    name: 'score-pass',
    queueName: QUEUES.score,
    data: { run_id: runId, pass } satisfies JobData<'score-pass'>,
    opts: { ...options, jobId: jobIds.pass(runId, pass) },
    children: Array.from({ length: asks }, (_, index) => ({
      name: 'score-question',
      queueName: QUEUES.score,
      data: { run_id: runId, pass, index } satisfies JobData<'score-question'>,
      opts: { ...options, attempts: 5, jobId: jobIds.question(runId, pass, index), failParentOnFailure: true },
    })),
  };
}
