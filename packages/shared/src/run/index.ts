export * from './run-steps.ts';
export * from './inline-driver.ts';
export * from './inline-history.ts';
