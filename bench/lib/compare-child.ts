// One comparison size in a fresh process with a 1 GB heap: a run that finishes proves the heap stayed under it.
import { compareResults, type ResultSet } from '@genie-enhancer/shared';

const rows = Number(process.argv[2]);
const set = (names: string[], data: unknown[][]): ResultSet => ({ columns: names.map((name) => ({ name, type: 'STRING' })), rows: data });
const expectedRows = Array.from({ length: rows }, (_, i) => [i % 97, `k${i}`, i * 0.5]);
// the same rows reversed, columns reordered, numbers as strings: nothing lines up by position
const actualRows = [...expectedRows].reverse().map((r) => [r[2], String(r[0]), r[1]]);
const expected = set(['a', 'b', 'c'], expectedRows);
const actual = set(['c', 'a', 'b'], actualRows);

/** wall and CPU milliseconds (CPU is the fairer figure on a shared machine) */
const time = (label: string, run: () => boolean, want: boolean) => {
  const [started, cpu] = [performance.now(), process.cpuUsage()];
  const match = run();
  const [ms, used] = [performance.now() - started, process.cpuUsage(cpu)];
  if (match !== want) throw new Error(`${label}: compareResults said ${match}, expected ${want}`);
  return { ms, cpuMs: (used.user + used.system) / 1000 };
};
const equal = time('equal', () => compareResults(expected, actual).match, true);
const heapAfterEqualMb = process.memoryUsage().heapUsed / 2 ** 20;
actualRows[Math.floor(rows / 2)] = [actualRows[Math.floor(rows / 2)][0], '9999', actualRows[Math.floor(rows / 2)][2]];
const diff = time('one differing cell', () => compareResults(expected, set(['c', 'a', 'b'], actualRows)).match, false);
process.stdout.write(`${JSON.stringify({ rows, equal, diff, heapAfterEqualMb, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
