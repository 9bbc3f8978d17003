import { createHash } from 'node:crypto';

/** The default share of held-out questions: 0.3 for a benchmark of 10 or more questions, else none. */
export const defaultHoldout = (questionCount: number): number => (questionCount >= 10 ? 0.3 : 0);

/**
 * The held-out questions: the round(fraction × n) ids whose sha256(seed, id) is smallest. Deterministic for a
 * seed, independent of question order, and stable when questions are added (others keep their side mostly).
 */
export function holdoutIds(questionIds: readonly string[], fraction: number, seed: string): string[] {
  const count = Math.round(fraction * questionIds.length);
  if (count === 0) return [];
  const rank = (id: string) => createHash('sha256').update(`${seed}\u0000${id}`).digest('hex');
  return [...questionIds].sort((a, b) => (rank(a) < rank(b) ? -1 : rank(a) > rank(b) ? 1 : 0)).slice(0, count);
}
