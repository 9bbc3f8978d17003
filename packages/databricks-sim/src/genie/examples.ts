/**
 * Example question-SQL reuse: when a question has the same shape as an example (same words once numbers and
 * known category values are set aside), Genie adapts the example's SQL to the question's values.
 */
import { joinLines, type SerializedSpace } from '@genie-enhancer/shared';
import type { Lexicon } from './lexicon.ts';
import { stems, words } from './text.ts';

interface Shape { signature: string; values: string[] }

const ARTICLES = new Set(['the', 'a', 'an']);

function shapeOf(question: string, knownValues: string[][]): Shape {
  const raw = words(question).filter((w) => !ARTICLES.has(w));
  const stemmed = raw.map((w) => w);
  const out: string[] = [];
  const values: string[] = [];
  for (let i = 0; i < raw.length; ) {
    if (/^\d+$/.test(raw[i])) {
      out.push(/^(19|20)\d\d$/.test(raw[i]) ? '<year>' : '<n>');
      values.push(raw[i]);
      i++;
      continue;
    }
    const value = knownValues.find((v) => v.every((w, j) => stems(stemmed[i + j] ?? '')[0] === stems(w)[0]));
    if (value) {
      out.push('<v>');
      values.push(raw.slice(i, i + value.length).join(' '));
      i += value.length;
      continue;
    }
    out.push(stems(raw[i])[0]);
    i++;
  }
  return { signature: out.join(' '), values };
}

function substitute(sql: string, from: string[], to: string[]): string {
  const mapping = new Map<string, string>();
  from.forEach((v, i) => mapping.set(v.toLowerCase(), to[i]));
  return sql.replace(/'((?:[^']|'')*)'|\b\d+\b/g, (token, quoted: string | undefined) => {
    if (quoted !== undefined) {
      const replacement = mapping.get(quoted.toLowerCase());
      return replacement === undefined ? token : `'${matchCase(quoted, replacement).replace(/'/g, "''")}'`;
    }
    return mapping.get(token) ?? token;
  });
}

function matchCase(model: string, value: string): string {
  if (model === model.toUpperCase()) return value.toUpperCase();
  if (model === model.toLowerCase()) return value.toLowerCase();
  return value.replace(/\b\w/g, (c) => c.toUpperCase());
}

/** The SQL of an example with the question's shape, adapted to the question's values, if one fits. */
export function adaptExample(space: SerializedSpace, lexicon: Lexicon, question: string): { sql: string; example: string } | undefined {
  const knownValues = lexicon.tables
    .flatMap((t) => t.columns.flatMap((c) => c.values))
    .map((v) => words(v))
    .filter((v) => v.length > 0)
    .sort((a, b) => b.length - a.length);
  const target = shapeOf(question, knownValues);
  const examples = [...(space.instructions?.example_question_sqls ?? [])].sort((a, b) => a.id.localeCompare(b.id));
  for (const example of examples) {
    const exampleQuestion = joinLines(example.question);
    const shape = shapeOf(exampleQuestion, knownValues);
    if (shape.signature !== target.signature || shape.values.length !== target.values.length) continue;
    return { sql: substitute(joinLines(example.sql).trim(), shape.values, target.values), example: exampleQuestion };
  }
  return undefined;
}
