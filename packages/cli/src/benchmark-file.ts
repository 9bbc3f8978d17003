import { readFile } from 'node:fs/promises';
import { BenchmarkFile, RunBenchmark, type BenchmarkQuestion } from '@genie-enhancer/shared';
import { UsageError } from './cli-io.ts';

/** `questions[3].expected_sql` from a zod issue path. */
export function jsonPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
  return out || '(root)';
}

/** Reads a benchmark file (`{questions: [...]}` or a bare array); a bad file is a UsageError naming file and field. */
export async function readBenchmarkFile(file: string): Promise<BenchmarkQuestion[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`${file}: cannot read the benchmark file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = Array.isArray(json) ? RunBenchmark.safeParse(json) : BenchmarkFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`${file}: ${jsonPath(issue.path)}: ${issue.message}`);
  }
  return Array.isArray(parsed.data) ? parsed.data : parsed.data.questions;
}
