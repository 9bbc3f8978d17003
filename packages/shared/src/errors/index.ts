export * from './errors.ts';
export * from './infrastructure.ts';
export * from './unsafe-sql-error.ts';
