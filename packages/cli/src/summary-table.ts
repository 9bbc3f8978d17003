import Table from 'cli-table3';
import type { RunView } from '@genie-enhancer/shared';

const pct = (score: number | null) => (score === null ? '-' : `${(score * 100).toFixed(1)}%`);

// content width + 2 padding each; with the 7 borders the table is exactly 80 columns wide
const COL_WIDTHS = [6, 17, 10, 13, 5, 22];

/** The final table, 80 columns at most: scores per loop, fixes applied by kind, what became of the change. */
export function renderSummaryTable(summary: RunView, options: { colour?: boolean } = {}): string {
  const table = new Table({
    head: ['loop', 'train', 'held-out', 'fixes', 'rej', 'result'],
    colWidths: COL_WIDTHS,
    wordWrap: true,
    // cli-table3 colours the header and borders by default, whatever the stream is
    ...(options.colour ? {} : { style: { head: [], border: [] } }),
  });
  for (const l of summary.loops) {
    const k = l.fixes_by_kind;
    const heldOut = l.loop === 0 ? summary.initial_holdout : l.holdout_after;
    const train = l.score_after === null || l.loop === 0 ? pct(l.score_before ?? l.score_after) : `${pct(l.score_before)}->${pct(l.score_after)}`;
    const kept = l.kept === null ? '' : l.kept ? 'kept, ' : 'rolled back, ';
    const more = k.join_spec + k.sql_snippet + k.sql_function;
    const kinds = `${k.metadata}/${k.text_instruction}/${k.example_sql}/${k.metric_view}${more > 0 ? ` +${more}` : ''}`;
    table.push([l.loop, train, pct(heldOut), kinds, l.fixes_rejected, `${kept}${(l.decision ?? '-').replace(/_/g, ' ')}`]);
  }
  const verdict = summary.status === 'failed' ? `failed: ${summary.error}` : `${summary.target_reached ? 'target reached' : 'target not reached'}, ${summary.decision}`;
  const heldOut = summary.holdout_count > 0 ? `, held-out ${pct(summary.initial_holdout)} -> ${pct(summary.final_holdout)} (${summary.holdout_count} questions)` : '';
  return `${table.toString()}\nfixes: metadata/text rules/examples/views +joins,snippets,funcs; rej: rejected\ntrain ${pct(summary.initial_score)} -> ${pct(summary.final_score)}${heldOut} (${verdict})\n`;
}
