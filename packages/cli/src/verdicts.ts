import type { ScoreReport } from '@genie-enhancer/shared';

const fit = (text: string, width: number) => (text.length <= width ? text : `${text.slice(0, width - 3)}...`);

/** --verbose: every pass's verdict per question, one line each, 80 columns at most. */
export function renderVerdicts(reports: readonly ScoreReport[]): string {
  const lines: string[] = [];
  reports.forEach((report, pass) => {
    lines.push(`pass ${pass}: ${report.passed}/${report.total} passed`);
    for (const r of report.results) lines.push(fit(`  ${r.verdict.padEnd(5)} ${r.question_id}  ${r.reason_code === 'MATCH' ? r.question : r.reason}`, 80));
  });
  return `${lines.join('\n')}\n`;
}
