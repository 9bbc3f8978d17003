import type { CatalogSnapshot } from '../catalog.types.ts';

export interface ChatMessage { role: string; content: string }

/** Name suffix that labels every simulated model answer. */
export const SIMULATED_MODEL_SUFFIX = '-simulated';

/**
 * Simulated planner LLM: reads the planner prompt (space + failures blocks) and answers with fix JSON.
 * Deterministic for the same prompt and catalog.
 */
export function simulatedCompletion(_messages: ChatMessage[], _catalog: CatalogSnapshot, endpoint: string): { content: string; model: string } {
  // Placeholder until the model lands (in progress in this session).
  return { content: JSON.stringify({ analysis: 'no analysis yet', fixes: [] }), model: `${endpoint}${SIMULATED_MODEL_SUFFIX}` };
}
