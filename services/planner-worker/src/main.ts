import { QUEUES, runStageService } from '@genie-enhancer/queue-runtime';

// preflight checks and plans: both talk to the workspace, neither asks Genie
await runStageService({ name: 'planner-worker', queue: QUEUES.plan, defaultConcurrency: 2 }, process.env);
