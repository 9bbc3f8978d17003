import type { FlowJob, JobsOptions } from 'bullmq';
import { z } from 'zod';

/** One queue per stage; each is served by its own worker service. */
export const QUEUES = { score: 'genie-score', plan: 'genie-plan', apply: 'genie-apply' } as const;
export const ALL_QUEUES = Object.values(QUEUES);

export const JOB = { question: 'score-question', pass: 'score-pass', plan: 'plan', apply: 'apply' } as const;

export const QuestionJobData = z.object({ run_id: z.string(), pass: z.number().int().min(0), index: z.number().int().min(0) });
export type QuestionJobData = z.infer<typeof QuestionJobData>;
/** A scoring pass (pass 0 = baseline, pass k = after loop k's fixes); also the data of the plan job above it. */
export const PassJobData = z.object({ run_id: z.string(), pass: z.number().int().min(0) });
export type PassJobData = z.infer<typeof PassJobData>;
export const ApplyJobData = z.object({ run_id: z.string(), loop: z.number().int().min(1) });
export type ApplyJobData = z.infer<typeof ApplyJobData>;

/** Retries with exponential backoff (BullMQ adds jitter); finished jobs kept a day for Bull Board. */
export const STAGE_JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 2_000, jitter: 0.5 },
  removeOnComplete: { age: 24 * 3600 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

// Custom job ids make every add idempotent (BullMQ ignores an id it still holds); ':' is not allowed in them.
export const jobIds = {
  question: (runId: string, pass: number, index: number) => `${runId}.p${pass}.q${index}`,
  pass: (runId: string, pass: number) => `${runId}.p${pass}.score`,
  plan: (runId: string, pass: number) => `${runId}.p${pass}.plan`,
  apply: (runId: string, loop: number) => `${runId}.l${loop}.apply`,
};

/**
 * The flow of one scoring pass: every question is a child of the pass job (scorer queue), which is the child of
 * the plan job (planner queue). BullMQ runs a parent when all its children are done, so the plan job starts when
 * the pass has been summarised. A question that fails for good does not block its pass: the pass records it.
 */
export function scoringPassFlow(runId: string, pass: number, questionCount: number): FlowJob {
  const data: PassJobData = { run_id: runId, pass };
  return {
    name: JOB.plan,
    queueName: QUEUES.plan,
    data,
    opts: { ...STAGE_JOB_OPTIONS, jobId: jobIds.plan(runId, pass) },
    children: [{
      name: JOB.pass,
      queueName: QUEUES.score,
      data,
      // a pass that fails for good fails its plan job too, instead of leaving it waiting for ever
      opts: { ...STAGE_JOB_OPTIONS, jobId: jobIds.pass(runId, pass), failParentOnFailure: true },
      children: Array.from({ length: questionCount }, (_, index) => ({
        name: JOB.question,
        queueName: QUEUES.score,
        data: { run_id: runId, pass, index } satisfies QuestionJobData,
        opts: { ...STAGE_JOB_OPTIONS, attempts: 5, jobId: jobIds.question(runId, pass, index), ignoreDependencyOnFailure: true },
      })),
    }],
  };
}
