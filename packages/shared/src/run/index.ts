export * from './run-steps.ts';
export * from './inline-driver.ts';
