export * from './schemas/index.ts';
export * from './errors/index.ts';
export * from './util/index.ts';
export * from './stages/ports.ts';
export * from './compare/index.ts';
export * from './stages/score.stage.ts';
export * from './loop/index.ts';
