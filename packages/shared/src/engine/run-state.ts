import type { Fix, LoopDecision, ReasonCode, RejectedFix, RunConfig, Verdict } from '../schemas/index.ts';

/** queued → running → completed | failed | cancelled. */
export type RunStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
/** What the run waits for now; `done` once it has a terminal status. */
export type RunPhase = 'preflight' | 'score' | 'plan' | 'apply' | 'done';

/** One question's outcome in a pass, as much as the engine needs to decide. */
export interface QuestionOutcome {
  question_id: string;
  verdict: Verdict;
  reason_code: ReasonCode;
}

/** A closed scoring pass: pass 0 is the baseline, pass k follows loop k's update. */
export interface PassRecord {
  pass: number;
  score: number;
  passed: number;
  total: number;
  outcomes: QuestionOutcome[];
  /** compared with the pass before: questions that now pass, questions that no longer do */
  fixed: string[];
  regressed: string[];
}

export interface PlanRecord {
  proposed: Fix[];
  rejected: RejectedFix[];
  analysis?: string;
  model: string;
}

export interface ApplyRecord {
  applied: Fix[];
  skipped: RejectedFix[];
  metric_views_created: string[];
}

/** Loop k: its plan, its update, the pass that followed it and the decision that pass led to (loop 0: the baseline). */
export interface LoopRecord {
  loop: number;
  plan?: PlanRecord;
  apply?: ApplyRecord;
  pass?: PassRecord;
  decision?: LoopDecision;
}

/** Everything the engine knows of a run; small enough to keep whole in Redis. */
export interface RunState {
  run_id: string;
  config: RunConfig;
  question_count: number;
  status: RunStatus;
  phase: RunPhase;
  /** the loop being worked on; 0 = baseline */
  loop: number;
  loops: LoopRecord[];
  decision?: LoopDecision;
  target_reached?: boolean;
  error?: string;
}

/** What happened; the drivers report these, the engine decides what follows. */
export type RunEvent =
  | { type: 'preflight_passed' }
  | { type: 'pass_scored'; pass: number; outcomes: QuestionOutcome[] }
  | { type: 'planned'; loop: number; plan: PlanRecord }
  | { type: 'applied'; loop: number; apply: ApplyRecord }
  /** a stage could not finish after its retries: an infrastructure failure, never a verdict */
  | { type: 'stage_failed'; stage: Exclude<RunPhase, 'done'>; reason: string }
  | { type: 'cancel_requested' };

/** What a driver must do next; each one ends in exactly one event. */
export type RunCommand =
  | { type: 'preflight' }
  | { type: 'score'; pass: number }
  /** the planner sees only these questions of the pass before */
  | { type: 'plan'; loop: number; from_pass: number; failure_ids: string[] }
  | { type: 'apply'; loop: number; fixes: Fix[] };

export interface Step {
  state: RunState;
  commands: RunCommand[];
  /** why an event changed nothing (a repeat, a stale job, a finished run) */
  ignored?: string;
}
