import type { LoopView, QuestionResult, RunView } from '@genie-enhancer/shared';

export type { LoopView, QuestionResult };

export type RunStatus = RunView['status'];

export interface RunSummary {
  run_id: string;
  status: RunStatus;
  phase: string;
  loop: number;
  created_at: string;
  updated_at: string;
  config: { space_id: string; warehouse_id: string; target_score: number; max_loops: number; repeats: number; auto_promote: boolean };
  benchmark_source: string;
  question_count: number;
  decision?: string;
  target_reached?: boolean;
  error?: string;
  staging_space_id?: string;
  promotion_error?: string;
  initial_score: number | null;
  final_score: number | null;
  initial_holdout: number | null;
  final_holdout: number | null;
  stalled: boolean;
}

export interface RunDetail extends RunSummary {
  scores: RunView['scores'];
  loops: LoopView[];
  excluded: RunView['excluded'];
  timings: { loop: number; stage: string; started_at: string; ended_at?: string; duration_ms?: number }[];
}

export interface Pass {
  pass: number;
  score: number;
  interval: [number, number];
  passed: number;
  total: number;
  holdout: { score: number; interval: [number, number]; passed: number; total: number } | null;
  kept: boolean | null;
  rolled_back: boolean;
  gate_reasons: string[];
}

export interface Progress {
  status: RunStatus;
  loop: number;
  stage: string;
  done: number | null;
  total: number | null;
  started_at: string | null;
  eta_seconds: number | null;
}

export interface Snapshot {
  loop: number;
  label: string;
  serialized_space: string;
}

export interface FixesResponse {
  loops: { loop: number; rejected: { fix: unknown; reason: string }[]; skipped: { fix: unknown; reason: string }[]; metric_views_created: string[]; analysis: string | null }[];
}

export const isActive = (status: RunStatus) => status === 'queued' || status === 'running';
