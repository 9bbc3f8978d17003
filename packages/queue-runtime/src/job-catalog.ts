import type { z } from 'zod';
import { JOB_SPECS, type JobData, type JobName, type QueueName } from './queues.ts';
import { applyJob, discardJob, planJob, preflightJob, promoteJob, restoreJob, rollbackJob, scorePassJob, scoreQuestionJob, stageJob, type JobOutcome, type StageContext } from './stage-jobs.ts';

export type JobHandler<K extends JobName> = (ctx: StageContext, data: JobData<K>) => Promise<JobOutcome>;

/** Every job name with its queue, its data schema and its handler: a missing or mismatched handler does not compile. */
export type JobCatalog = { [K in JobName]: { queue: QueueName; schema: z.ZodType<JobData<K>>; handler: JobHandler<K> } };

export const JOB_CATALOG: JobCatalog = {
  preflight: { ...JOB_SPECS.preflight, handler: preflightJob },
  'score-question': { ...JOB_SPECS['score-question'], handler: scoreQuestionJob },
  'score-pass': { ...JOB_SPECS['score-pass'], handler: scorePassJob },
  plan: { ...JOB_SPECS.plan, handler: planJob },
  apply: { ...JOB_SPECS.apply, handler: applyJob },
  rollback: { ...JOB_SPECS.rollback, handler: rollbackJob },
  stage: { ...JOB_SPECS.stage, handler: stageJob },
  promote: { ...JOB_SPECS.promote, handler: promoteJob },
  discard: { ...JOB_SPECS.discard, handler: discardJob },
  restore: { ...JOB_SPECS.restore, handler: restoreJob },
};

/** The names of the jobs one queue serves. */
export const jobsOfQueue = (queue: QueueName): JobName[] => (Object.keys(JOB_CATALOG) as JobName[]).filter((name) => JOB_CATALOG[name].queue === queue);
