import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchmarkFromSpace, BenchmarkFile, parseSerializedSpace } from '@genie-enhancer/shared';

const root = join(import.meta.dirname, '..');
const normalise = (text: string) => text.toLowerCase().replace(/\s+/g, ' ').trim();

function files(dir: string, keep: (path: string) => boolean): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'test' || name === 'tmp') return [];
    return statSync(path).isDirectory() ? files(path, keep) : keep(path) ? [path] : [];
  });
}

function benchmarkTexts(): { id: string; texts: string[] }[] {
  const out: { id: string; texts: string[] }[] = [];
  for (const file of files(join(root, 'benchmarks'), (p) => p.endsWith('.json'))) {
    for (const q of BenchmarkFile.parse(JSON.parse(readFileSync(file, 'utf8'))).questions) out.push({ id: q.id, texts: [q.question, q.expected_sql] });
  }
  for (const file of files(join(root, 'datasets'), (p) => p.endsWith('space.json'))) {
    const space = parseSerializedSpace(JSON.parse(readFileSync(file, 'utf8')).serialized_space);
    for (const q of benchmarkFromSpace(space)) out.push({ id: q.id, texts: [q.question, q.expected_sql] });
  }
  return out;
}

/**
 * Words a dataset brings with it: its table names, its column names (whole and split into their words) and the
 * words of the values of its low-cardinality text columns (at most 100 distinct values: categories, statuses,
 * places, not free text). A simulator that contains one of them may have been tuned to that dataset.
 */
function datasetWords(): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (word: string, dataset: string) => {
    // 1–2 letters (id, us, no) and numbers say nothing about a domain
    if (word.length < 3 || /^\d+$/.test(word)) return;
    out.set(word, (out.get(word) ?? new Set()).add(dataset));
  };
  const identifierWords = (name: string) => name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  for (const dataset of readdirSync(join(root, 'datasets'))) {
    const dir = join(root, 'datasets', dataset);
    if (!statSync(dir).isDirectory()) continue;
    const schema = readFileSync(join(dir, 'schema.sql'), 'utf8');
    for (const m of schema.matchAll(/create\s+table\s+([\w.`]+)\s*\(([\s\S]*?)\)\s*;/gi)) {
      const table = m[1].replace(/`/g, '').split('.').pop()!;
      for (const w of [table.toLowerCase(), ...identifierWords(table)]) add(w, dataset);
      const columns = m[2].split(/,(?![^(]*\))/).map((c) => c.trim().split(/\s+/)[0].replace(/`/g, '')).filter(Boolean);
      for (const c of columns) for (const w of [c.toLowerCase(), ...identifierWords(c)]) add(w, dataset);
      const rows = readFileSync(join(dir, `${table}.csv`), 'utf8').split(/\r?\n/).filter(Boolean).slice(1).map((l) => l.split(','));
      columns.forEach((_, i) => {
        const values = new Set(rows.map((r) => r[i] ?? ''));
        if (values.size > 100) return;
        for (const v of values) if (!/^[-\d.: ]*$/.test(v)) for (const w of v.toLowerCase().match(/[a-z0-9]+/g) ?? []) add(w, dataset);
      });
    }
  }
  return out;
}

/**
 * Generic words that some dataset also happens to use, and that the simulator needs for its own sake. Each is
 * ordinary English, SQL or HTTP vocabulary, never a domain's term:
 * - SQL and query words the simulated Genie writes or parses: code, data, full, key, label, list, name, names, new,
 *   order, part, ref, start, state, time, type, year, days, and, the;
 * - HTTP, TLS and Thrift words of the workspace API and Node: app, completed, form (an OAuth token request's
 *   x-www-form-urlencoded body), head, line (a file's), local, net (node:net), open, operations, reason, store;
 * - words of the controlled instruction language and of the planner's rationales: business, general, language,
 *   model, small, independent, official (a driver's), reversed (an order), paid (a verb the planner drops from
 *   synonyms), weight (a lexicon match weight);
 * - question grammar the simulated Genie parses: percentage (a share asked as a percentage);
 * - HTTP and result vocabulary: aid (the attachment id of the Genie API's route), cell (a result set's), grant (OAuth's
 *   grant_type), route (a Fastify route).
 */
const GENERIC_WORDS = new Set(
  ('and the code data full key label list name names new order part ref start state time type year days ' +
    'app completed form head line local net open operations reason store ' +
    'business general language model small independent official reversed paid weight percentage aid cell grant route').split(' '),
);

/**
 * Ordinary programming English: every word of Node's own API typings (@types/node). A dataset word found there
 * ("address", "date", "source", "current") says nothing about a domain, so its presence in the simulator is no sign of
 * tuning; a domain's terms (its abbreviations, codes, places and nouns of the trade) are not in it.
 */
function nodeApiWords(): Set<string> {
  const dir = join(root, 'node_modules', '@types', 'node');
  const words = new Set<string>();
  for (const file of files(dir, (p) => p.endsWith('.d.ts'))) {
    for (const w of readFileSync(file, 'utf8').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase().match(/[a-z]+/g) ?? []) words.add(w);
  }
  return words;
}

describe('no benchmark leaks into the product', () => {
  const sources = ['packages/databricks-sim/src', 'packages/shared/src', 'prompts'].flatMap((dir) =>
    files(join(root, dir), (p) => /\.(ts|md|txt|json)$/.test(p)),
  );
  const corpus = sources.map((path) => ({ path, body: normalise(readFileSync(path, 'utf8')) }));
  const benchmarks = benchmarkTexts();

  it('finds benchmarks to check and sources to scan', () => {
    expect(benchmarks.length).toBeGreaterThanOrEqual(25);
    expect(corpus.some((c) => c.path.includes('genie-engine'))).toBe(true);
  });

  it('no benchmark question or expected SQL appears in the simulator, the library or the prompts', () => {
    const hits = benchmarks.flatMap((b) =>
      b.texts.flatMap((text) => corpus.filter((c) => c.body.includes(normalise(text))).map((c) => `${b.id} in ${c.path}`)),
    );
    expect(hits).toEqual([]);
  });

  it('no benchmark id appears in the simulator source', () => {
    const sim = corpus.filter((c) => c.path.includes('databricks-sim'));
    const hits = benchmarks.filter((b) => b.id.length >= 5).flatMap((b) => sim.filter((c) => c.body.includes(b.id.toLowerCase())).map((c) => `${b.id} in ${c.path}`));
    expect(hits).toEqual([]);
  });

  it('no table, column or value word of any dataset appears in the simulator source (beyond generic words)', () => {
    const vocabulary = datasetWords();
    expect(vocabulary.size).toBeGreaterThan(100);
    const ordinary = nodeApiWords();
    expect(ordinary.size).toBeGreaterThan(1000);
    // a domain's own terms stay flagged
    for (const term of ['horsepower', 'cylinders', 'hrs', 'prio', 'tgt']) expect(ordinary.has(term), term).toBe(false);
    const sim = sources.filter((path) => path.includes('databricks-sim') && path.endsWith('.ts'));
    const hits: string[] = [];
    for (const path of sim) {
      const text = readFileSync(path, 'utf8').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
      const tokens = new Set([...(text.match(/[a-z0-9_]+/g) ?? []), ...(text.match(/[a-z0-9]+/g) ?? [])]);
      for (const token of tokens) {
        const datasets = vocabulary.get(token);
        if (datasets && !GENERIC_WORDS.has(token) && !ordinary.has(token)) hits.push(`"${token}" (${[...datasets].join(', ')}) in ${path.slice(root.length + 1)}`);
      }
    }
    expect(hits.sort()).toEqual([]);
  });
});
