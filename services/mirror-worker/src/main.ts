import { runMirrorService } from '@genie-enhancer/queue-runtime';

// Mirror worker: drains the run-history outbox (a Redis stream) into the Delta history tables.
await runMirrorService(process.env);
