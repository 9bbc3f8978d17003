import { z } from 'zod';

const Rationale = z.string().min(1).describe('why this fix helps, in general terms');
/** the failing questions (their question_id) this fix is meant to repair: how a kept change is attributed */
const Targets = z.array(z.string().min(1).max(200)).max(200).optional().describe('question_id of each failure this fix should repair');

export const MetricViewFix = z.strictObject({
  kind: z.literal('metric_view'),
  /** three-part name of the view to create, e.g. main.sales.order_metrics */
  identifier: z.string().regex(/^[A-Za-z_][\w]*\.[A-Za-z_][\w]*\.[A-Za-z_][\w]*$/, 'must be catalog.schema.name'),
  source: z.string().min(1),
  filter: z.string().optional(),
  dimensions: z.array(z.strictObject({ name: z.string().min(1), expr: z.string().min(1), comment: z.string().optional(), synonyms: z.array(z.string()).optional() })),
  measures: z.array(z.strictObject({ name: z.string().min(1), expr: z.string().min(1), comment: z.string().optional(), synonyms: z.array(z.string()).optional() })).min(1),
  rationale: Rationale,
  targets: Targets,
});

export const MetadataFix = z.strictObject({
  kind: z.literal('metadata'),
  /** three-part table name as listed in the space */
  table: z.string().min(1),
  /** omit to describe the table itself */
  column: z.string().min(1).optional(),
  description: z.string().min(1).optional(),
  synonyms: z.array(z.string().min(1)).optional(),
  rationale: Rationale,
  targets: Targets,
}).refine((f) => f.description !== undefined || (f.synonyms?.length ?? 0) > 0, { message: 'a metadata fix needs a description or synonyms' });

export const ExampleSqlFix = z.strictObject({
  kind: z.literal('example_sql'),
  question: z.string().min(1),
  sql: z.string().min(1),
  usage_guidance: z.string().optional(),
  rationale: Rationale,
  targets: Targets,
});

export const TextInstructionFix = z.strictObject({
  kind: z.literal('text_instruction'),
  content: z.string().min(1),
  rationale: Rationale,
  targets: Targets,
});

const Alias = z.string().regex(/^[A-Za-z_]\w*$/, 'must be a SQL identifier');
const ThreePart = z.string().regex(/^[A-Za-z_][\w]*\.[A-Za-z_][\w]*\.[A-Za-z_][\w]*$/, 'must be catalog.schema.name');

/** A join path Genie should know: two space tables, their aliases and the equality conditions that join them. */
export const JoinSpecFix = z.strictObject({
  kind: z.literal('join_spec'),
  left: z.strictObject({ table: z.string().min(1), alias: Alias }),
  right: z.strictObject({ table: z.string().min(1), alias: Alias }),
  /** equalities over the two aliases, ANDed: `o.cust_ref = c.customer_id AND o.region = c.region` */
  sql: z.string().min(1),
  relationship_type: z.enum(['MANY_TO_ONE', 'ONE_TO_MANY', 'ONE_TO_ONE', 'MANY_TO_MANY']).optional(),
  rationale: Rationale,
  targets: Targets,
});

/** A knowledge-store snippet: a measure (aggregate), a filter (condition) or an expression (dimension). */
export const SqlSnippetFix = z.strictObject({
  kind: z.literal('sql_snippet'),
  snippet_type: z.enum(['measure', 'filter', 'expression']),
  alias: Alias,
  display_name: z.string().min(1),
  /** over the columns of one space table, unqualified or qualified by the table's last name part */
  sql: z.string().min(1),
  synonyms: z.array(z.string().min(1)).optional(),
  instruction: z.string().min(1).optional(),
  rationale: Rationale,
  targets: Targets,
});

/** A SQL function (a trusted asset): created on the warehouse, then listed in the space. */
export const SqlFunctionFix = z.strictObject({
  kind: z.literal('sql_function'),
  identifier: ThreePart,
  parameters: z.array(z.strictObject({ name: Alias, type: z.string().regex(/^[A-Za-z][\w(), ]*$/, 'must be a SQL type') })).max(20),
  returns: z.string().regex(/^[A-Za-z][\w(), ]*$/, 'must be a SQL type'),
  /** one SQL expression over the parameters (the function's RETURN) */
  body: z.string().min(1),
  comment: z.string().optional(),
  rationale: Rationale,
  targets: Targets,
});

/** One proposed change to a Genie space: one of the levers a space offers. */
export const Fix = z.discriminatedUnion('kind', [MetricViewFix, MetadataFix, ExampleSqlFix, TextInstructionFix, JoinSpecFix, SqlSnippetFix, SqlFunctionFix]);
export type Fix = z.infer<typeof Fix>;
export type FixKind = Fix['kind'];
export const FIX_KINDS = ['metric_view', 'metadata', 'example_sql', 'text_instruction', 'join_spec', 'sql_snippet', 'sql_function'] as const satisfies readonly FixKind[];
/** Levers: the fix kinds a run may use (RunConfig.levers); the four before issue 19 are the classic ones. */
export const Lever = z.enum(FIX_KINDS);
export type Lever = z.infer<typeof Lever>;
export const CLASSIC_LEVERS = ['metric_view', 'metadata', 'example_sql', 'text_instruction'] as const satisfies readonly Lever[];

/** The JSON object the planner LLM must answer with. */
export const PlannerAnswer = z.strictObject({
  analysis: z.string().optional(),
  fixes: z.array(Fix),
});
export type PlannerAnswer = z.infer<typeof PlannerAnswer>;

const BY_KIND = { metric_view: MetricViewFix, metadata: MetadataFix, example_sql: ExampleSqlFix, text_instruction: TextInstructionFix, join_spec: JoinSpecFix, sql_snippet: SqlSnippetFix, sql_function: SqlFunctionFix } as const;

/** The planner answer schema restricted to some levers (what the model is shown; the answer is still parsed whole). */
export function plannerAnswerFor(levers: readonly Lever[]) {
  const kinds = FIX_KINDS.filter((k) => levers.includes(k)).map((k) => BY_KIND[k]);
  if (kinds.length === 0) throw new Error('at least one lever is needed');
  const fix = kinds.length === 1 ? kinds[0] : z.union(kinds as unknown as [z.ZodType, z.ZodType, ...z.ZodType[]]);
  return z.strictObject({ analysis: z.string().optional(), fixes: z.array(fix) });
}
