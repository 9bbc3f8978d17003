import { z } from 'zod';
import { sortSpace, sqlLines } from '../stages/space-layout.ts';
import { normaliseQuestion } from '../stages/sql-normalise.ts';
import { contentId } from '../util/ids.ts';
import { BenchmarkQuestionShape, BenchmarkQuestions, MAX_BENCHMARK_QUESTIONS, type BenchmarkQuestion } from './benchmark.schema.ts';
import { joinLines, SerializedSpace, SpaceItemId, type SpaceBenchmarkQuestion as SpaceBenchmarkItem } from './serialized-space.schema.ts';

/** Most benchmark questions one space holds (docs: "benchmarks up to 500 questions"). */
export const MAX_SPACE_BENCHMARKS = 500;


const isSpaceItem = (item: unknown) => typeof item === 'object' && item !== null && Array.isArray((item as { question?: unknown }).question);

/** Space-format items (`{question: [..], answer: [{format: "SQL", content: [..]}]}`) → our questions; no SQL answer: skipped. */
function fromSpaceItems(items: unknown[]): unknown[] {
  return items.flatMap((raw) => {
    const item = raw as { id?: unknown; question: unknown[]; answer?: { format?: unknown; content?: unknown[] }[] };
    const answer = (Array.isArray(item.answer) ? item.answer : []).find((a) => String(a?.format ?? '').toUpperCase() === 'SQL');
    if (!answer) return [];
    const question = joinLines(item.question.map(String)).trim();
    return [{ id: typeof item.id === 'string' ? item.id : contentId('benchmark', question), question, expected_sql: joinLines((answer.content ?? []).map(String)) }];
  });
}

/** The question list a benchmark document holds, whichever of the accepted shapes it has, in our format. */
function questionList(json: unknown): unknown {
  if (Array.isArray(json)) return json.some(isSpaceItem) ? fromSpaceItems(json) : json;
  if (typeof json !== 'object' || json === null) return json;
  const doc = json as Record<string, unknown>;
  if (typeof doc.serialized_space === 'string') return questionList(JSON.parse(doc.serialized_space));
  if (doc.benchmarks !== undefined) return questionList((doc.benchmarks as { questions?: unknown })?.questions ?? []);
  const questions = doc.questions;
  return Array.isArray(questions) && questions.some(isSpaceItem) ? fromSpaceItems(questions) : questions;
}

/** A benchmark document in any accepted shape, its question list checked by `questions`. */
const anyBenchmark = (questions: z.ZodType<BenchmarkQuestion[]>) =>
  z.unknown().transform((json, ctx) => {
    let list: unknown;
    try {
      list = questionList(json);
    } catch (error) {
      ctx.addIssue({ code: 'custom', path: ['serialized_space'], message: `not valid JSON (${(error as Error).message})` });
      return z.NEVER;
    }
    if (list === undefined) {
      ctx.addIssue({ code: 'custom', path: ['questions'], message: 'expected {questions: [...]}, a list of questions, or a serialized_space with benchmarks' });
      return z.NEVER;
    }
    const parsed = questions.safeParse(list);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: ['questions', ...issue.path] } as never);
      return z.NEVER;
    }
    return parsed.data;
  });

/**
 * A benchmark in any accepted shape: ours (`{questions: [{id, question, expected_sql}]}` or a bare array), the space's
 * benchmark items (`{questions: [...]}` or a bare array), a whole serialized_space, or a space as GET returns it.
 * Ids are unique and every expected_sql passes the read-only guard; issues name `questions.N.field`.
 */
export const AnyBenchmark = anyBenchmark(BenchmarkQuestions);

/** The same shapes with only field checks: repeated ids and unsafe SQL are left for `checkBenchmark` to report. */
export const AnyBenchmarkUnchecked = anyBenchmark(
  z.array(BenchmarkQuestionShape).min(1, 'a benchmark needs at least one question').max(MAX_BENCHMARK_QUESTIONS, `a benchmark holds at most ${MAX_BENCHMARK_QUESTIONS} questions`),
);

/** Our questions as the space's benchmark items; an id that is not 32 hex gets a stable one derived from it. */
export function toSpaceBenchmarkItems(questions: readonly BenchmarkQuestion[]): z.infer<typeof SpaceBenchmarkItem>[] {
  return questions.map((q) => ({
    id: SpaceItemId.safeParse(q.id).success ? q.id : contentId('benchmark', q.id),
    question: [q.question],
    answer: [{ format: 'SQL', content: sqlLines(q.expected_sql) }],
  }));
}

export interface BenchmarkMerge {
  /** the serialized_space to write back */
  serializedSpace: string;
  added: BenchmarkQuestion[];
  /** questions whose text the space already has: the space's own question is kept */
  alreadyThere: BenchmarkQuestion[];
  total: number;
}

/** Adds questions to a space's benchmarks by question text, never removing or changing one the space has. */
export function mergeSpaceBenchmarks(serializedSpace: string, questions: readonly BenchmarkQuestion[], limit = MAX_SPACE_BENCHMARKS): BenchmarkMerge {
  const space = SerializedSpace.parse(JSON.parse(serializedSpace));
  const own = space.benchmarks?.questions ?? [];
  const seen = new Set(own.map((q) => normaliseQuestion(joinLines(q.question))));
  const added: BenchmarkQuestion[] = [];
  const alreadyThere: BenchmarkQuestion[] = [];
  for (const q of questions) {
    const key = normaliseQuestion(q.question);
    (seen.has(key) ? alreadyThere : added).push(q);
    seen.add(key);
  }
  const total = own.length + added.length;
  if (total > limit) throw new RangeError(`the space would hold ${total} benchmark questions (${own.length} now, ${added.length} new); the limit is ${limit}`);
  const ownIds = new Set(own.map((q) => q.id));
  const items = toSpaceBenchmarkItems(added).map((item) => (ownIds.has(item.id) ? { ...item, id: contentId('benchmark', item.id, 'again') } : item));
  space.benchmarks = { ...space.benchmarks, questions: [...own, ...items] };
  return { serializedSpace: JSON.stringify(sortSpace(space)), added, alreadyThere, total };
}
