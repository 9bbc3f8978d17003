export * from './genie-rate-limit.ts';
export * from './queues.ts';
export * from './run-store.ts';
export * from './stage-jobs.ts';
export * from './worker-runtime.ts';
export * from './service-env.ts';
export * from './stage-service.ts';
