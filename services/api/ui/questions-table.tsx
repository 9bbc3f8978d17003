import { useState } from 'preact/hooks';
import { anyOf, SelectField } from './select-field.tsx';
import { SqlSideBySide } from './text-diff.tsx';
import type { QuestionResult } from './types.ts';

/** Every question's outcome in one pass, filterable by verdict and reason; a row opens Genie's SQL beside the expected SQL. */
export function QuestionsTable({ loops }: { loops: { loop: number; results: QuestionResult[] }[] }) {
  const [pass, setPass] = useState<number | undefined>(undefined);
  const [verdict, setVerdict] = useState('');
  const [reason, setReason] = useState('');
  const [open, setOpen] = useState<string | undefined>(undefined);
  if (loops.length === 0) return <p class="muted">No answer scored yet.</p>;
  const current = loops.find((l) => l.loop === pass) ?? loops[loops.length - 1];
  const verdicts = [...new Set(current.results.map((r) => r.verdict))].sort();
  const reasons = [...new Set(current.results.map((r) => r.reason_code))].sort();
  const rows = current.results.filter((r) => (!verdict || r.verdict === verdict) && (!reason || r.reason_code === reason));
  const key = (r: QuestionResult) => `${r.question_id}#${r.repeat ?? 0}`;
  return (
    <>
      <div class="filters">
        <SelectField label="Pass" name="pass" value={current.loop} onChange={setPass} options={loops.map((l) => ({ value: l.loop, label: l.loop === 0 ? 'baseline' : `after loop ${l.loop}` }))} />
        <SelectField label="Verdict" name="verdict" value={verdict} onChange={setVerdict} options={anyOf(verdicts)} />
        <SelectField label="Reason" name="reason" value={reason} onChange={setReason} options={anyOf(reasons)} />
        <span class="muted">{rows.length} of {current.results.length}</span>
      </div>
      <div class="table-wrap">
        <table class="questions" data-testid="questions-table">
          <thead>
            <tr><th>Question</th><th>Verdict</th><th>Reason</th><th>SQL</th></tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <>
                <tr data-question-id={r.question_id}>
                  <td><span class="mono">{r.question_id}</span>{r.repeat ? <span class="muted"> #{r.repeat + 1}</span> : null}<br />{r.question}</td>
                  <td><span class={`verdict ${r.verdict}`}>{r.verdict}</span></td>
                  <td><span class="mono">{r.reason_code}</span></td>
                  <td>
                    <button type="button" aria-expanded={open === key(r)} onClick={() => setOpen(open === key(r) ? undefined : key(r))}>
                      {open === key(r) ? 'Hide' : 'Compare'}
                    </button>
                  </td>
                </tr>
                {open === key(r) && (
                  <tr class="detail">
                    <td colSpan={4}>
                      <p class="result-difference"><strong>Result difference:</strong> {r.reason}</p>
                      <SqlSideBySide left={r.genie_sql ?? ''} right={r.expected_sql} leftTitle="Genie SQL" rightTitle="Expected SQL" />
                      {r.genie_text && <p class="muted">Genie said: {r.genie_text}</p>}
                    </td>
                  </tr>
                )}
              </>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
