/**
 * `pnpm bench [--quick] [--only compare,overhead,rss,scoring,rate]`: every figure against the physical bound (or goal)
 * measured in the same run; writes bench/results/latest.{json,md} (quick: quick.{json,md}) and prints the table.
 * Needs Redis (REDIS_URL, default redis://127.0.0.1:6379); starts simulators and service processes itself.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Row } from './lib/measure.ts';
import { compareSection } from './sections/compare.ts';
import { overheadSection, rssSection } from './sections/overhead.ts';
import { rateSection } from './sections/rate.ts';
import { scoringSection } from './sections/scoring.ts';

export interface BenchOptions {
  quick: boolean;
  log(message: string): void;
}

const SECTIONS = { compare: compareSection, overhead: overheadSection, rss: rssSection, scoring: scoringSection, rate: rateSection };

const cell = (value: string) => value.replace(/\|/g, '\\|');
export function markdownTable(rows: Row[]): string {
  const lines = ['| section | case | measured | against | ratio | goal | met |', '|---|---|---|---|---|---|---|'];
  for (const r of rows) {
    lines.push(`| ${[r.section, r.case, r.measured, r.against, r.ratio === null ? '' : r.ratio.toFixed(2), r.goal, r.met === null ? '' : r.met ? 'yes' : '**no**'].map(cell).join(' | ')} |`);
  }
  return lines.join('\n');
}

const { values } = parseArgs({ args: process.argv.slice(2).filter((a) => a !== '--'), options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } } });
const chosen = values.only ? values.only.split(',') : Object.keys(SECTIONS);
const unknown = chosen.filter((s) => !(s in SECTIONS));
if (unknown.length) {
  process.stderr.write(`bench: unknown section(s) ${unknown.join(', ')}; choose from ${Object.keys(SECTIONS).join(', ')}\n`);
  process.exit(2);
}
const options: BenchOptions = { quick: values.quick, log: (message) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`) };
const started = Date.now();
const load = loadavg()[0];
const rows: Row[] = [];
for (const name of chosen) {
  options.log(`section ${name}`);
  rows.push(...(await SECTIONS[name as keyof typeof SECTIONS](options)));
}
const elapsedS = (Date.now() - started) / 1000;
const machine = `${cpus().length} cores, load average ${load.toFixed(1)} at the start (${loadavg()[0].toFixed(1)} at the end)`;
const header = `${values.quick ? 'Quick run' : 'Full run'} of ${new Date(started).toISOString()}, ${elapsedS.toFixed(0)} s, ${machine}.`;
const markdown = `${header}\n\n${markdownTable(rows)}\n`;
const name = values.quick ? 'quick' : 'latest';
const dir = join(import.meta.dirname, 'results');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, `${name}.json`), `${JSON.stringify({ started_at: new Date(started).toISOString(), quick: values.quick, elapsed_s: elapsedS, machine, sections: chosen, rows }, null, 2)}\n`);
writeFileSync(join(dir, `${name}.md`), markdown);
process.stdout.write(markdown);
process.exit(0);
