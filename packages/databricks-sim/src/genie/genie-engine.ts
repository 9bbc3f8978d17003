import type { SerializedSpace } from '@genie-enhancer/shared';
import type { CatalogSnapshot } from '../catalog.types.ts';

export type GenieReply =
  | { kind: 'query'; sql: string; description: string }
  | { kind: 'text'; text: string };

/**
 * Simulated Genie: turns a question into Databricks SQL using only the space configuration and the catalog.
 * Deterministic for a given space, catalog and question.
 */
export function answerQuestion(_space: SerializedSpace, _catalog: CatalogSnapshot, question: string): GenieReply {
  // Placeholder until the engine lands (in progress in this session).
  return { kind: 'text', text: `Could you clarify which table answers "${question}"?` };
}
