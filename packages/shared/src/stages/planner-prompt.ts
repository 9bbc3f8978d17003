import { z } from 'zod';
import { FIX_KINDS, PlannerAnswer, plannerAnswerFor, type Lever, type QuestionResult, type RejectedFix, type SerializedSpace } from '../schemas/index.ts';
import type { ColumnValues } from './column-values.ts';
import { loadPromptTemplate, renderTemplate } from './prompt-template.ts';

/** Columns and types of one space table, as read from the warehouse. */
export interface TableSchema {
  identifier: string;
  columns: { name: string; type: string }[];
}

/** The JSON schema of the planner's answer, for structured output. */
export function plannerAnswerJsonSchema(levers?: readonly Lever[]): Record<string, unknown> {
  const schema = levers && levers.length < FIX_KINDS.length ? plannerAnswerFor(levers) : PlannerAnswer;
  return z.toJSONSchema(schema, { target: 'draft-7' }) as Record<string, unknown>;
}

/** The `space` block: the configuration without its benchmarks (the model must not see them) plus table schemas. */
export function spaceBlock(space: SerializedSpace, tableSchemas: readonly TableSchema[]): Record<string, unknown> {
  const { benchmarks: _benchmarks, ...rest } = space;
  return { ...rest, table_schemas: tableSchemas };
}

/** The `failures` block, in the shape docs/architecture.md promises the model. */
export function failuresBlock(failures: readonly QuestionResult[]): Record<string, unknown>[] {
  return failures.map((f) => ({
    question_id: f.question_id,
    question: f.question,
    expected_sql: f.expected_sql,
    ...(f.genie_sql !== undefined ? { genie_sql: f.genie_sql } : {}),
    ...(f.genie_text !== undefined ? { genie_text: f.genie_text } : {}),
    reason_code: f.reason_code,
    reason: f.reason,
  }));
}

/** Renders prompts/planner.system.md and planner.user.md for one planning call. */
export async function buildPlannerPrompt(input: {
  space: SerializedSpace;
  tableSchemas: readonly TableSchema[];
  failures: readonly QuestionResult[];
  rejected?: readonly RejectedFix[];
  promptsDir?: string;
  columnValues?: readonly ColumnValues[];
  levers?: readonly Lever[];
}): Promise<{ system: string; user: string; schema: Record<string, unknown> }> {
  const schema = plannerAnswerJsonSchema(input.levers);
  const vars = {
    values_json: JSON.stringify(input.columnValues ?? [], null, 2),
    levers_json: JSON.stringify(input.levers ?? FIX_KINDS),
    space_json: JSON.stringify(spaceBlock(input.space, input.tableSchemas), null, 2),
    failures_json: JSON.stringify(failuresBlock(input.failures), null, 2),
    rejected_json: JSON.stringify((input.rejected ?? []).map((r) => ({ fix: r.fix, reason: r.reason })), null, 2),
    fix_schema: JSON.stringify(schema, null, 2),
  };
  const [system, user] = await Promise.all([
    loadPromptTemplate('planner.system.md', input.promptsDir),
    loadPromptTemplate('planner.user.md', input.promptsDir),
  ]);
  return { system: renderTemplate(system, vars), user: renderTemplate(user, vars), schema };
}
