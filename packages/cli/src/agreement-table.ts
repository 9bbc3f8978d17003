import type { Agreement } from '@genie-enhancer/shared';

const fit = (text: string, width: number) => (text.length <= width ? text : `${text.slice(0, width - 3)}...`);

/** --scorer both: per pass, the confusion table of our verdicts against Genie's evaluation, and where they differ. */
export function renderAgreements(agreements: Record<number, Agreement>): string {
  const lines: string[] = [];
  for (const [pass, a] of Object.entries(agreements)) {
    const share = a.agreement === null ? 'n/a' : `${(a.agreement * 100).toFixed(1)}%`;
    lines.push(`pass ${pass}: our comparison vs Genie's evaluation (agreement on clear cases ${share})`);
    lines.push(`  ${'ours \\ native'.padEnd(14)}${'GOOD'.padStart(6)}${'BAD'.padStart(6)}${'REVIEW'.padStart(8)}`);
    for (const side of ['pass', 'fail'] as const) {
      const row = a.table[side];
      lines.push(`  ${side.padEnd(14)}${String(row.GOOD).padStart(6)}${String(row.BAD).padStart(6)}${String(row.NEEDS_REVIEW).padStart(8)}`);
    }
    for (const d of a.differing) {
      lines.push(fit(`  differs: ${d.question_id} ours ${d.ours} (${d.ours_reason}), native ${d.native}${d.native_reasons.length ? ` (${d.native_reasons.join(', ')})` : ''}: ${d.question}`, 120));
    }
  }
  return `${lines.join('\n')}\n`;
}
