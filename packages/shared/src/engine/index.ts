export * from './run-state.ts';
export * from './run-engine.ts';
export * from './run-view.ts';
