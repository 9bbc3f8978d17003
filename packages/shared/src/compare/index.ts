export * from './result-compare.ts';
export * from './normalize.ts';
