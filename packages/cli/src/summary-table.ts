import Table from 'cli-table3';
import type { RunView } from '@genie-enhancer/shared';

const pct = (score: number | null) => (score === null ? '-' : `${(score * 100).toFixed(1)}%`);

/** The final table: score per loop and the fixes applied by kind. */
export function renderSummaryTable(summary: RunView): string {
  const table = new Table({
    head: ['loop', 'score before', 'score after', 'metadata', 'text rules', 'examples', 'metric views', 'rejected', 'decision'],
  });
  for (const l of summary.loops) {
    const k = l.fixes_by_kind;
    table.push([l.loop, pct(l.score_before), pct(l.score_after), k.metadata, k.text_instruction, k.example_sql, k.metric_view, l.fixes_rejected, l.decision ?? '-']);
  }
  const verdict = summary.status === 'failed' ? `failed: ${summary.error}` : `${summary.target_reached ? 'target reached' : 'target not reached'}, ${summary.decision}`;
  return `${table.toString()}\nscore ${pct(summary.initial_score)} -> ${pct(summary.final_score)} (${verdict})\n`;
}
