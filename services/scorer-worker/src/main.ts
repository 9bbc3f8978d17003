import { QUEUES, runStageService } from '@genie-enhancer/queue-runtime';

// One job per benchmark question, and the pass job that closes each scoring pass; scale by running more of these.
await runStageService({ name: 'scorer-worker', queue: QUEUES.score, defaultConcurrency: 4, asksGenie: true }, process.env);
