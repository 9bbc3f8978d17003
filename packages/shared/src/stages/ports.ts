import type { GenieSpace } from '../schemas/index.ts';

/** Terminal outcome of one Genie question. */
export interface GenieAnswer {
  conversation_id: string;
  message_id: string;
  status: 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'QUERY_RESULT_EXPIRED';
  /** SQL of the query attachment, when Genie wrote one */
  sql?: string;
  /** text attachment: an answer or a clarifying question */
  text?: string;
  /** message.error.error / type when FAILED */
  error?: string;
  error_type?: string;
}

export interface AskOptions {
  signal?: AbortSignal;
  /** overall deadline for start + polling */
  timeoutMs?: number;
  /** called once Genie has answered the question's start (it has surely arrived by then): the rate limit re-stamps its slot */
  onStarted?: () => void | Promise<void>;
}

/** Genie Conversation API: ask one question, wait for the terminal status. */
export interface GenieConversations {
  ask(spaceId: string, question: string, options?: AskOptions): Promise<GenieAnswer>;
}

/** A space as read with include_serialized_space=true. */
export type SpaceWithConfig = GenieSpace & { serialized_space: string };

export interface NewSpace {
  title: string;
  warehouse_id: string;
  serialized_space: string;
  description?: string;
  parent_path?: string;
}

/** Genie space management API. */
export interface GenieSpaces {
  get(spaceId: string): Promise<SpaceWithConfig>;
  /** PATCH; serialized_space replaces the whole configuration */
  update(spaceId: string, patch: { serialized_space: string; etag?: string }): Promise<SpaceWithConfig>;
  /** every space the caller can see, without their configuration (all pages) */
  list(): Promise<GenieSpace[]>;
  /** POST: not idempotent, so callers look for what an earlier attempt made (list) before creating */
  create(space: NewSpace): Promise<SpaceWithConfig>;
  /** DELETE: moves the space to the trash; trashing a space that is gone is not an error */
  trash(spaceId: string): Promise<void>;
}

export interface ResultColumn {
  name: string;
  /** Databricks type name, e.g. STRING, BIGINT, DECIMAL, DATE, TIMESTAMP, DOUBLE, BOOLEAN */
  type: string;
}

/** Rows as the driver returns them (values may be strings, numbers, bigint, Date, boolean, null). */
export interface ResultSet {
  columns: ResultColumn[];
  rows: unknown[][];
}

/** SQL warehouse: run a statement, get its full result. */
/** A bound value of a named parameter (`:name` in the SQL); never spliced into the text. */
export type SqlParamValue = string | number | boolean | null;

export interface SqlQueryOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  /** named parameters, bound by the warehouse (`:name` markers) */
  params?: Record<string, SqlParamValue>;
  /** the statement may run twice with the same effect (a keyed MERGE): retried on transient failures like a read */
  idempotent?: boolean;
}

export interface SqlWarehouse {
  query(sql: string, options?: SqlQueryOptions): Promise<ResultSet>;
  close(): Promise<void>;
}

export interface ChatRequest {
  system: string;
  user: string;
  /** JSON schema to request structured output with (the answer is validated with zod regardless) */
  jsonSchema?: { name: string; schema: Record<string, unknown> };
  /** earlier turns, e.g. a failed answer and the validation error fed back */
  history?: { role: 'user' | 'assistant'; content: string }[];
}

export interface ChatResponse {
  content: string;
  model: string;
  usage?: { prompt_tokens: number; completion_tokens: number };
}

/** The planner's LLM (a Databricks serving endpoint through the openai client). */
export interface ChatModel {
  complete(request: ChatRequest): Promise<ChatResponse>;
  /** throws when the endpoint does not exist or is not ready to serve; absent = nothing to check */
  checkReady?(): Promise<void>;
}

/** One evaluation run of Genie's benchmark evaluation API (Beta). */
export interface EvalRun {
  eval_run_id: string;
  eval_run_status: string;
  num_questions?: number;
  num_correct?: number;
  num_needs_review?: number;
  num_done?: number;
}

/** One question's assessment in an evaluation run. */
export interface EvalResultDetails {
  result_id: string;
  benchmark_question_id: string;
  assessment?: 'GOOD' | 'BAD' | 'NEEDS_REVIEW' | string;
  assessment_reasons?: string[];
  manual_assessment?: boolean;
  expected_response?: string[];
  actual_response?: string[];
}

/** Genie's benchmark evaluation API: `/api/2.0/genie/spaces/{space_id}/eval-runs`. */
export interface GenieEvalRuns {
  /** POST: starts a run over the given benchmark question ids (none = all of the space's) */
  create(spaceId: string, benchmarkQuestionIds?: string[]): Promise<EvalRun>;
  get(spaceId: string, evalRunId: string): Promise<EvalRun>;
  /** every result of the run with its details (all pages) */
  results(spaceId: string, evalRunId: string): Promise<EvalResultDetails[]>;
}
