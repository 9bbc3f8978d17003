import { QUEUES, runStageService } from '@genie-enhancer/queue-runtime';

await runStageService({ name: 'applier-worker', queue: QUEUES.apply, defaultConcurrency: 1 }, process.env);
