import type { RunConfig } from '../schemas/index.ts';
import type { GateResult, PassRecord, QuestionOutcome } from './run-state.ts';
import { stratifiedExactTest } from './statistics.ts';

const ids = (list: readonly string[]) => (list.length > 6 ? `${list.slice(0, 6).join(', ')} and ${list.length - 6} more` : list.join(', '));
const allPassed = (o: QuestionOutcome) => o.passes === o.repeats.length;
const nonePassed = (o: QuestionOutcome) => o.passes === 0;
/** fixed: failed every repeat before, passes every repeat now (the mirror image of a hard regression) */
const isFixed = (before: QuestionOutcome, after: QuestionOutcome) => nonePassed(before) && allPassed(after);
/** a hard regression: passed every repeat before, fails every repeat now */
const isRegressed = (before: QuestionOutcome, after: QuestionOutcome) => allPassed(before) && nonePassed(after);

const counts = ([before, after]: [QuestionOutcome, QuestionOutcome]) => ({
  passedBefore: before.passes, askedBefore: before.repeats.length, passedAfter: after.passes, askedAfter: after.repeats.length,
});

/**
 * A loop's change is kept only when, against the configuration in place before it (docs/scoring.md, "The gate"):
 *   1. no hard regression (passed every repeat, now fails every repeat), beyond `allow_regressions`;
 *   2. the train split improves: at least one question is fixed, and with repeats an exact test stratified by
 *      question (statistics.ts; with one answer each it is the exact sign test) finds more passes at `alpha`;
 *      with one answer per question, the train score must rise;
 *   3. the held-out split does not fall: fewer held-out questions passing, or with repeats the same test finding
 *      fewer passes at `alpha`.
 */
export function judgeLoop(config: RunConfig, before: PassRecord, after: PassRecord, holdout: readonly string[] = []): GateResult {
  const held = new Set(holdout);
  const was = new Map(before.outcomes.map((o) => [o.question_id, o]));
  const pairs = after.outcomes.flatMap((o): [QuestionOutcome, QuestionOutcome][] => (was.has(o.question_id) ? [[was.get(o.question_id)!, o]] : []));
  const fixed = pairs.filter(([b, a]) => isFixed(b, a)).map(([, a]) => a.question_id);
  const regressed = pairs.filter(([b, a]) => isRegressed(b, a)).map(([, a]) => a.question_id);
  const repeated = after.outcomes.some((o) => o.repeats.length > 1);
  const reasons: string[] = [];
  if (regressed.length > config.allow_regressions) {
    reasons.push(`${regressed.length} question(s) that passed now fail (${ids(regressed)}); ${config.allow_regressions} allowed`);
  }
  const trainFixed = fixed.filter((id) => !held.has(id));
  const pImproved = stratifiedExactTest(pairs.filter(([, a]) => !held.has(a.question_id)).map(counts)).pUp;
  const pFell = stratifiedExactTest(pairs.filter(([, a]) => held.has(a.question_id)).map(counts)).pDown;
  if (trainFixed.length === 0) reasons.push('no train question was fixed');
  else if (!repeated && after.passed <= before.passed) reasons.push(`the train score did not rise (${before.passed}/${before.total} → ${after.passed}/${after.total})`);
  else if (repeated && pImproved >= config.alpha) reasons.push(`the train gain is within noise (exact test p = ${pImproved.toFixed(3)} ≥ ${config.alpha})`);
  if (before.holdout && after.holdout) {
    if (!repeated && after.holdout.passed < before.holdout.passed) {
      reasons.push(`the held-out score fell (${before.holdout.passed}/${before.holdout.total} → ${after.holdout.passed}/${after.holdout.total})`);
    } else if (repeated && pFell < config.alpha) {
      reasons.push(`the held-out score fell beyond noise (exact test p = ${pFell.toFixed(3)} < ${config.alpha})`);
    }
  }
  return {
    accepted: reasons.length === 0, reasons, compared_with_pass: before.pass, fixed, regressed,
    ...(repeated ? { p_improved: pImproved, p_holdout_fell: pFell } : {}),
  };
}
