export { createSimulator, type Simulator, type SimulatorOptions, type RequestLogEntry } from './simulator.ts';
export { answerQuestion } from './genie/genie-engine.ts';
export { loadDatasetFolder, DatasetError } from './dataset/load-dataset.ts';
export { createSqlEngine } from './sql/sql-engine.ts';
