export { createSimulator, type Simulator, type SimulatorOptions, type RequestLogEntry } from './simulator.ts';
export { answerQuestion } from './genie/genie-engine.ts';
export { GenieNoise, type GenieNoiseOptions } from './genie/noise.ts';
export { alternativeReadings } from './genie/alternative-readings.ts';
export { loadDatasetFolder, DatasetError } from './dataset/load-dataset.ts';
export { createSqlEngine } from './sql/sql-engine.ts';
export type { OAuthClient } from './http/oauth-routes.ts';
export type { ReplayStats } from './replay/replay.ts';
