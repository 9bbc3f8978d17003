export * from './retry.ts';
export * from './logger.ts';
export * from './ids.ts';
