export * from './errors.ts';
export * from './unsafe-sql-error.ts';
