export * from './scrub.ts';
export * from './cassette.ts';
export * from './recorder.ts';
