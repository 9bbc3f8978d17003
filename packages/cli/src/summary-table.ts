import Table from 'cli-table3';
import type { RunView } from '@genie-enhancer/shared';

const pct = (score: number | null) => (score === null ? '-' : `${(score * 100).toFixed(1)}%`);

/** The final table: score per loop and the fixes applied by kind. */
export function renderSummaryTable(summary: RunView): string {
  const table = new Table({
    head: ['loop', 'train before', 'train after', 'held-out', 'metadata', 'text rules', 'examples', 'metric views', 'rejected', 'kept', 'decision'],
  });
  for (const l of summary.loops) {
    const k = l.fixes_by_kind;
    const heldOut = l.loop === 0 ? summary.initial_holdout : l.holdout_after;
    const kept = l.kept === null ? '-' : l.kept ? 'yes' : 'rolled back';
    table.push([l.loop, pct(l.score_before), pct(l.score_after), pct(heldOut), k.metadata, k.text_instruction, k.example_sql, k.metric_view, l.fixes_rejected, kept, l.decision ?? '-']);
  }
  const verdict = summary.status === 'failed' ? `failed: ${summary.error}` : `${summary.target_reached ? 'target reached' : 'target not reached'}, ${summary.decision}`;
  const heldOut = summary.holdout_count > 0 ? `, held-out ${pct(summary.initial_holdout)} -> ${pct(summary.final_holdout)} (${summary.holdout_count} questions)` : '';
  return `${table.toString()}\ntrain ${pct(summary.initial_score)} -> ${pct(summary.final_score)}${heldOut} (${verdict})\n`;
}
