export * from './serialized-space.schema.ts';
export * from './benchmark.schema.ts';
export * from './fix.schema.ts';
export * from './result.schema.ts';
export * from './run-config.schema.ts';
export * from './space-benchmarks.ts';
