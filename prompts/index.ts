import { fileURLToPath } from 'node:url';

/** The folder holding the prompt templates (`planner.system.md`, ...), wherever this package is installed. */
export const PROMPTS_DIR = fileURLToPath(new URL('./', import.meta.url));
