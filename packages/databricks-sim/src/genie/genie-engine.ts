import type { SerializedSpace } from '@genie-enhancer/shared';
import type { CatalogSnapshot } from '../catalog.types.ts';
import { adaptExample } from './examples.ts';
import { parseInstructions } from './instructions.ts';
import { joinEdges } from './join-graph.ts';
import { buildLexicon } from './lexicon.ts';
import { answerPeriodChange } from './period-change.ts';
import { parseQuestion } from './question.ts';
import { resolveQuestion } from './resolve.ts';

export type GenieReply =
  | { kind: 'query'; sql: string; description: string }
  | { kind: 'text'; text: string };

/**
 * Simulated Genie: turns a question into Databricks SQL using only the space configuration (tables, column
 * descriptions and synonyms, text instructions, join specs, example question-SQLs, metric views) and the
 * catalog. Deterministic for a given space, catalog and question; knows nothing of any benchmark.
 */
export function answerQuestion(space: SerializedSpace, catalog: CatalogSnapshot, question: string): GenieReply {
  const lexicon = buildLexicon(space, catalog);
  const example = adaptExample(space, lexicon, question);
  if (example) return { kind: 'query', sql: example.sql, description: `Adapted from the example "${example.example}"` };

  const parsed = parseQuestion(question);
  const rules = parseInstructions(lexicon.textInstructions);
  if (parsed.comparison && !rules.periodChange) {
    return { kind: 'text', text: 'Comparing periods needs a rule in this space saying how a change is measured (a difference, a relative change or a ratio). Could you ask for each period separately?' };
  }
  const edges = joinEdges(space, lexicon, rules.joins);
  const resolve = (p: typeof parsed) => resolveQuestion(p, lexicon, rules, edges);
  const result = parsed.comparison && rules.periodChange ? answerPeriodChange(parsed, rules.periodChange, resolve) : resolve(parsed);
  return 'clarify' in result ? { kind: 'text', text: result.clarify } : { kind: 'query', sql: result.sql, description: result.description };
}
