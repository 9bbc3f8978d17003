export * from './schema.ts';
export * from './rows.ts';
export * from './history-writer.ts';
export * from './history-reader.ts';
