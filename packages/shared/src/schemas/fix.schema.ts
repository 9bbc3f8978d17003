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

/** One proposed change to a Genie space, in one of the four categories. */
export const Fix = z.discriminatedUnion('kind', [MetricViewFix, MetadataFix, ExampleSqlFix, TextInstructionFix]);
export type Fix = z.infer<typeof Fix>;
export type FixKind = Fix['kind'];
export const FIX_KINDS = ['metric_view', 'metadata', 'example_sql', 'text_instruction'] as const satisfies readonly FixKind[];

/** The JSON object the planner LLM must answer with. */
export const PlannerAnswer = z.strictObject({
  analysis: z.string().optional(),
  fixes: z.array(Fix),
});
export type PlannerAnswer = z.infer<typeof PlannerAnswer>;
