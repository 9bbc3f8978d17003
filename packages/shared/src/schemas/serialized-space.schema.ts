import { z } from 'zod';

/** Text fields in serialized_space are arrays of strings that concatenate. */
export const TextLines = z.array(z.string());
/** 32 lowercase hex characters, unique within a space. */
export const SpaceItemId = z.string().regex(/^[0-9a-f]{32}$/, 'must be 32 lowercase hex characters');

export const ColumnConfig = z.looseObject({
  column_name: z.string().min(1),
  description: TextLines.optional(),
  synonyms: z.array(z.string()).optional(),
});

export const TableSource = z.looseObject({
  identifier: z.string().min(1),
  description: TextLines.optional(),
  column_configs: z.array(ColumnConfig).optional(),
});

export const MetricViewSource = z.looseObject({
  identifier: z.string().min(1),
  description: TextLines.optional(),
});

export const TextInstruction = z.looseObject({ id: SpaceItemId, content: TextLines });

export const ExampleQuestionSql = z.looseObject({
  id: SpaceItemId,
  question: TextLines,
  sql: TextLines,
  usage_guidance: TextLines.optional(),
});

export const JoinSpec = z.looseObject({
  id: SpaceItemId,
  left: z.looseObject({ identifier: z.string(), alias: z.string().optional() }),
  right: z.looseObject({ identifier: z.string(), alias: z.string().optional() }),
  sql: TextLines,
  relationship_type: z.string().optional(),
});

export const SqlSnippet = z.looseObject({
  id: SpaceItemId,
  alias: z.string().optional(),
  display_name: z.string().optional(),
  sql: TextLines,
  synonyms: z.array(z.string()).optional(),
  instruction: TextLines.optional(),
});

export const SpaceBenchmarkQuestion = z.looseObject({
  id: SpaceItemId,
  question: TextLines,
  answer: z.array(z.looseObject({ format: z.string(), content: TextLines })).optional(),
});

/** The parsed content of a Genie space's `serialized_space` string (version 1 or 2). */
export const SerializedSpace = z.looseObject({
  version: z.union([z.literal(1), z.literal(2)]),
  config: z.looseObject({
    sample_questions: z.array(z.looseObject({ id: SpaceItemId, question: TextLines })).optional(),
  }).optional(),
  data_sources: z.looseObject({
    tables: z.array(TableSource).optional(),
    metric_views: z.array(MetricViewSource).optional(),
  }).optional(),
  instructions: z.looseObject({
    text_instructions: z.array(TextInstruction).optional(),
    example_question_sqls: z.array(ExampleQuestionSql).optional(),
    sql_functions: z.array(z.looseObject({ id: SpaceItemId, identifier: z.string() })).optional(),
    join_specs: z.array(JoinSpec).optional(),
    sql_snippets: z.looseObject({
      measures: z.array(SqlSnippet).optional(),
      filters: z.array(SqlSnippet).optional(),
      expressions: z.array(SqlSnippet).optional(),
    }).optional(),
  }).optional(),
  benchmarks: z.looseObject({ questions: z.array(SpaceBenchmarkQuestion).optional() }).optional(),
});
export type SerializedSpace = z.infer<typeof SerializedSpace>;

/** A Genie space as the GET space API returns it. */
export const GenieSpace = z.looseObject({
  space_id: z.string().min(1),
  title: z.string().optional(),
  description: z.string().optional(),
  warehouse_id: z.string().optional(),
  parent_path: z.string().optional(),
  etag: z.string().optional(),
  serialized_space: z.string().optional(),
});
export type GenieSpace = z.infer<typeof GenieSpace>;

/** Parse a serialized_space JSON string; throws a ZodError or SyntaxError naming the problem. */
export function parseSerializedSpace(text: string): SerializedSpace {
  return SerializedSpace.parse(JSON.parse(text));
}

/** Join a text-lines field back into one string. */
export function joinLines(lines: readonly string[] | undefined): string {
  return (lines ?? []).join('');
}
