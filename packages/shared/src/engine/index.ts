export * from './run-state.ts';
export * from './run-engine.ts';
export * from './run-view.ts';
export * from './gate.ts';
export * from './holdout-split.ts';
export * from './statistics.ts';
