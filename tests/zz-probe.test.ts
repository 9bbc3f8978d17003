import { it } from 'vitest';
import { runOnDataset } from '/work/helper-levers/tests/helpers/simulated-run.ts';
it('probe', async () => {
  const r = await runOnDataset('/work/helper-levers/datasets/spider-world', { config: { max_loops: 1, split_seed: 'generality', target_score: 1 } });
  const id = '6fc906231a1eda059cf02635c456795c';
  for (const rep of r.summary.reports) { const q = rep.results.find((x: any) => x.question_id === id)!; console.log(q.question, q.verdict, q.genie_sql, q.expected_sql); }
  for (const rep of r.summary.reports) for (const q of rep.results) if (/asian|african|spoken/i.test(q.question)) console.log(q.verdict, q.question, '|', q.genie_sql?.replace(/\n/g,' '), '|', q.expected_sql);
}, 100000);
