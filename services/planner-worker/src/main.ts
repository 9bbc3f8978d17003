import { JOB, planJob, QUEUES, runStageService } from '@genie-enhancer/shared';

await runStageService({ name: 'planner-worker', queue: QUEUES.plan, defaultConcurrency: 2, handlers: { [JOB.plan]: planJob } });
