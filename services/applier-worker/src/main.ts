import { applyJob, JOB, QUEUES, runStageService } from '@genie-enhancer/shared';

await runStageService({ name: 'applier-worker', queue: QUEUES.apply, defaultConcurrency: 1, handlers: { [JOB.apply]: applyJob } });
