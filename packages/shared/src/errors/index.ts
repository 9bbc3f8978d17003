export * from './errors.ts';
export * from './infrastructure.ts';
