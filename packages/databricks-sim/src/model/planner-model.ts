import { FIX_KINDS, fixTarget, Lever, SerializedSpace, type Fix } from '@genie-enhancer/shared';
import type { CatalogSnapshot } from '../catalog.types.ts';
import { FailureAnalyst, type Failure } from './failure-analysis.ts';
import { fencedJson } from './prompt-blocks.ts';
import { repeatedDimensionSnippets } from './repeated-expressions.ts';

export interface ChatMessage { role: string; content: string }

/** Name suffix that labels every simulated model answer. */
export const SIMULATED_MODEL_SUFFIX = '-simulated';

/**
 * Simulated planner LLM: reads the planner prompt's `space` and `failures` blocks and answers with fix JSON
 * (docs/architecture.md). Deterministic for the same prompt and catalog. Its fixes are general (synonyms,
 * descriptions, rules, snippets, join specs, metric views), never an example made from a failing question.
 */
export function simulatedCompletion(messages: ChatMessage[], catalog: CatalogSnapshot, endpoint: string): { content: string; model: string } {
  const model = `${endpoint}${SIMULATED_MODEL_SUFFIX}`;
  const prompt = messages.filter((m) => m.role === 'user').map((m) => m.content).find((c) => c.includes('```json failures'));
  const space = SerializedSpace.safeParse(fencedJson(prompt ?? '', 'space'));
  const failures = fencedJson(prompt ?? '', 'failures');
  if (!space.success || !Array.isArray(failures)) {
    return { model, content: JSON.stringify({ analysis: '[simulated] The prompt had no readable space or failures block.', fixes: [] }) };
  }
  // the levers the prompt allows (every one when the prompt does not say)
  const allowed = Lever.array().safeParse(fencedJson(prompt ?? '', 'levers'));
  const levers = allowed.success ? allowed.data : [...FIX_KINDS];
  const analyst = new FailureAnalyst(space.data, catalog, levers, failures as Failure[]);
  for (const failure of failures as Failure[]) {
    if (typeof failure?.question === 'string' && typeof failure.expected_sql === 'string') analyst.analyse(failure);
  }
  const single = analyst.result();
  // knowledge only several failures show together (their targets are the failures that show it)
  const across = levers.includes('sql_snippet') ? repeatedDimensionSnippets(failures as Failure[], space.data, single) : [];
  const fixes = [...withTargets(single, failures as Failure[], space.data, catalog, levers), ...across];
  const analysis = `[simulated model] Analysed ${failures.length} failures; proposing ${fixes.length} general fixes.`;
  return { model, content: JSON.stringify({ analysis, fixes }) };
}

/** Each fix's targets: the failures whose own analysis calls for a change of the same thing. */
function withTargets(fixes: Fix[], failures: Failure[], space: SerializedSpace, catalog: CatalogSnapshot, levers: readonly Lever[]): Fix[] {
  const wanted = new Map<string, string[]>();
  for (const failure of failures) {
    if (typeof failure?.question_id !== 'string' || typeof failure.question !== 'string' || typeof failure.expected_sql !== 'string') continue;
    const solo = new FailureAnalyst(space, catalog, levers, failures);
    solo.analyse(failure);
    for (const target of new Set(solo.result().map(fixTarget))) wanted.set(target, [...(wanted.get(target) ?? []), failure.question_id]);
  }
  return fixes.map((fix) => (wanted.has(fixTarget(fix)) ? { ...fix, targets: wanted.get(fixTarget(fix)) } : fix));
}
