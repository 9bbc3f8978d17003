import type { RunConfig } from '../schemas/index.ts';
import type { GateResult, PassRecord } from './run-state.ts';

const ids = (list: readonly string[]) => (list.length > 6 ? `${list.slice(0, 6).join(', ')} and ${list.length - 6} more` : list.join(', '));

/**
 * A loop's change is kept only when, against the configuration in place before it:
 *   1. no question that passed now fails (a hard regression), beyond `allow_regressions`;
 *   2. the train score rises;
 *   3. the held-out score does not fall.
 * With one answer per question each rule is exact: a pass/fail flip is the whole signal.
 */
export function judgeLoop(config: RunConfig, before: PassRecord, after: PassRecord): GateResult {
  const was = new Map(before.outcomes.map((o) => [o.question_id, o.verdict === 'pass']));
  const fixed: string[] = [];
  const regressed: string[] = [];
  for (const o of after.outcomes) {
    const passedBefore = was.get(o.question_id);
    if (passedBefore === undefined) continue;
    if (!passedBefore && o.verdict === 'pass') fixed.push(o.question_id);
    if (passedBefore && o.verdict !== 'pass') regressed.push(o.question_id);
  }
  const reasons: string[] = [];
  if (regressed.length > config.allow_regressions) {
    reasons.push(`${regressed.length} question(s) that passed now fail (${ids(regressed)}); ${config.allow_regressions} allowed`);
  }
  if (after.passed <= before.passed) reasons.push(`the train score did not rise (${before.passed}/${before.total} → ${after.passed}/${after.total})`);
  if (before.holdout && after.holdout && after.holdout.passed < before.holdout.passed) {
    reasons.push(`the held-out score fell (${before.holdout.passed}/${before.holdout.total} → ${after.holdout.passed}/${after.holdout.total})`);
  }
  return { accepted: reasons.length === 0, reasons, compared_with_pass: before.pass, fixed, regressed };
}
