import { PlannerAnswer } from '../schemas/index.ts';

export type ParsedAnswer = { ok: true; answer: PlannerAnswer } | { ok: false; issues: string };

/** The JSON text of a model answer: the whole answer, the inside of a ```json fence, or the outermost braces. */
export function extractJson(content: string): string {
  const text = content.trim();
  const fenced = /```(?:json)?[^\n]*\n([\s\S]*?)\n?```/.exec(text);
  if (fenced) return fenced[1].trim();
  const first = text.indexOf('{');
  const last = text.lastIndexOf('}');
  return first >= 0 && last > first ? text.slice(first, last + 1) : text;
}

/** Parses and validates a planner answer; on failure, one issue per line with its JSON path. */
export function parsePlannerAnswer(content: string): ParsedAnswer {
  let json: unknown;
  try {
    json = JSON.parse(extractJson(content));
  } catch (error) {
    return { ok: false, issues: `the answer is not valid JSON: ${(error as Error).message}` };
  }
  const result = PlannerAnswer.safeParse(json);
  if (result.success) return { ok: true, answer: result.data };
  const issues = result.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
  return { ok: false, issues: issues.join('\n') };
}
