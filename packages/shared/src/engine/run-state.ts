import type { Fix, LoopDecision, ReasonCode, RejectedFix, RunConfig, Verdict } from '../schemas/index.ts';

/**
 * queued → running → completed | failed | cancelled; a staged run that kept a change ends awaiting_review (or is
 * promoted at once with auto_promote), then promoted or discarded.
 */
export type RunStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled' | 'awaiting_review' | 'promoted' | 'discarded';
/** What the run waits for now; `done` once nothing is left to do. */
export type RunPhase = 'preflight' | 'stage' | 'score' | 'plan' | 'apply' | 'rollback' | 'promote' | 'discard' | 'restore' | 'done';

/** One question's outcome in a pass, over its repeats, as much as the engine needs to decide. */
export interface QuestionOutcome {
  question_id: string;
  /** `pass` when every repeat passed, else the verdict of the first repeat that did not */
  verdict: Verdict;
  reason_code: ReasonCode;
  /** repeats that passed, and the pass/fail of each repeat in order (one entry without repeats) */
  passes: number;
  repeats: boolean[];
}

export interface SplitScore {
  /** mean pass fraction over the split's questions */
  score: number;
  /** questions that passed every repeat */
  passed: number;
  total: number;
  /** 95 % Wilson interval of the pass rate over every (question, repeat) answer */
  interval: [number, number];
}

/** A closed scoring pass: pass 0 is the baseline, pass k follows loop k's update. */
export interface PassRecord {
  pass: number;
  /** the train split's score: what decisions are made on */
  score: number;
  passed: number;
  total: number;
  interval: [number, number];
  /** the questions the planner never sees; null without a held-out split */
  holdout: SplitScore | null;
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
  /** hash of the space configuration the plan was made against; apply refuses to merge it onto another */
  space_hash?: string;
}

export interface ApplyRecord {
  applied: Fix[];
  skipped: RejectedFix[];
  metric_views_created: string[];
  sql_functions_created?: string[];
}

/** Whether a loop's change is kept, and why (docs/scoring.md, "The gate"). */
export interface GateResult {
  accepted: boolean;
  /** each rule the change broke, in words; empty when accepted */
  reasons: string[];
  /** compared with the configuration in place before the loop (the last accepted pass) */
  compared_with_pass: number;
  fixed: string[];
  regressed: string[];
  /** with repeats: one-sided p of the exact test stratified by question that the train split gained passes */
  p_improved?: number;
  /** with repeats: the same test that the held-out split lost passes */
  p_holdout_fell?: number;
}

/** Loop k: its plan, its update, the pass that followed it and the decision that pass led to (loop 0: the baseline). */
export interface LoopRecord {
  loop: number;
  plan?: PlanRecord;
  apply?: ApplyRecord;
  pass?: PassRecord;
  gate?: GateResult;
  /** the loop's change was undone and the space verified equal to its snapshot */
  rolled_back?: boolean;
  /** each time the space changed under the loop's update (someone else edited it) and the loop was planned again */
  conflicts?: string[];
  decision?: LoopDecision;
}

/** A benchmark question left out of every score, and why (its SQL fails, returns nothing, repeats another). */
export interface ExcludedQuestion {
  question_id: string;
  reasons: string[];
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
  /** questions the benchmark check left out of every score and plan */
  excluded?: ExcludedQuestion[];
  /** questions held out from the planner (a deterministic split of the question ids) */
  holdout_ids: string[];
  /** the pass whose configuration is in place and kept: the baseline or the last accepted loop */
  accepted_pass: number;
  /** loops rolled back in a row; three stop the run */
  consecutive_rollbacks: number;
  /** the space the run scores and changes: a staging copy of config.space_id, or the space itself in place */
  work_space_id?: string;
  /** canonical hash of the original's serialized_space when the run copied it: promotion refuses if it moved */
  original_hash?: string;
  /** why a promotion was refused (the original changed outside the tool), with what changed */
  promotion_error?: string;
  /** promotions asked for so far (a refused one may be asked again, each its own job) */
  promotion_attempts?: number;
  /** a later restore: which loop's configuration goes back onto the space, and the status to return to */
  restore?: { loop: number; resume_status: RunStatus };
  /** restores asked for so far (each its own job) */
  restore_requests?: number;
  /** the loop whose configuration the last restore put back (0 = as before the run) */
  restored_loop?: number;
  /** a person asked to discard the staging copy (else it was trashed because nothing was kept) */
  discard_requested?: boolean;
  decision?: LoopDecision;
  target_reached?: boolean;
  error?: string;
}

/** What happened; the drivers report these, the engine decides what follows. */
export type RunEvent =
  /** the workspace is usable; the benchmark check found these questions unfit to score */
  | { type: 'preflight_passed'; excluded?: ExcludedQuestion[] }
  | { type: 'pass_scored'; pass: number; outcomes: QuestionOutcome[] }
  | { type: 'planned'; loop: number; plan: PlanRecord }
  | { type: 'applied'; loop: number; apply: ApplyRecord }
  /** the space changed since the loop was planned (or during the update: etag); nothing was written */
  | { type: 'apply_conflict'; loop: number; reason: string }
  /** the space was restored to its snapshot from before the loop and read back equal */
  | { type: 'rolled_back'; loop: number }
  /** the staging copy exists (found again or created), and the original as it was copied */
  | { type: 'staged'; space_id: string; original_hash: string }
  | { type: 'promote_requested' }
  | { type: 'discard_requested' }
  | { type: 'promoted' }
  /** the original changed since the run copied it; nothing was written */
  | { type: 'promotion_refused'; reason: string }
  | { type: 'discarded' }
  /** put the configuration a kept loop left (0 = the one before the run) back onto the space */
  | { type: 'restore_requested'; loop: number }
  | { type: 'restored'; loop: number }
  /** a stage could not finish after its retries: an infrastructure failure, never a verdict */
  | { type: 'stage_failed'; stage: Exclude<RunPhase, 'done'>; reason: string }
  | { type: 'cancel_requested' };

/** What a driver must do next; each one ends in exactly one event. */
export type RunCommand =
  | { type: 'preflight' }
  | { type: 'score'; pass: number }
  /** the planner sees only these questions of that pass, and the fixes earlier loops tried in vain */
  | { type: 'plan'; loop: number; from_pass: number; failure_ids: string[]; rejected: RejectedFix[] }
  /** `planned_on`: the hash of the space the fixes were planned against; any other space is a conflict */
  | { type: 'apply'; loop: number; fixes: Fix[]; planned_on?: string }
  /** write back the snapshot taken before the loop's update, drop the metric views and SQL functions it created, verify */
  | { type: 'rollback'; loop: number; metric_views: string[]; sql_functions?: string[] }
  /** find or create the staging copy `<title> [genie-enhancer <run id>]` of the original */
  | { type: 'stage' }
  /** write the staging space's configuration to the original (etag; refused if the original moved), trash the copy */
  | { type: 'promote'; from_space_id: string; original_hash: string }
  /** trash the staging copy and drop the metric views and SQL functions the run created and kept */
  | { type: 'discard'; space_id: string; metric_views: string[]; sql_functions?: string[] }
  /** write the configuration after `loop` (0 = before the run) onto the original, verified like a rollback */
  | { type: 'restore'; loop: number };

export interface Step {
  state: RunState;
  commands: RunCommand[];
  /** why an event changed nothing (a repeat, a stale job, a finished run) */
  ignored?: string;
}
