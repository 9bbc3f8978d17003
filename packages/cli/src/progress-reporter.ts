import cliProgress from 'cli-progress';
import type { RunProgress } from '@genie-enhancer/shared';
import { colourAllowed, type CliIo } from './cli-io.ts';

export interface ProgressReporter {
  onEvent(event: RunProgress): void;
  stop(): void;
}

const STAGE_LABEL = { preflight: 'check', stage: 'copy ', score: 'score', plan: 'plan ', apply: 'apply', rollback: 'undo ', promote: 'promo', discard: 'drop ', restore: 'restr' } as const;

/**
 * A bar per stage on a terminal (without NO_COLOR); otherwise plain lines, so logs and CI output stay readable and a
 * long stage is not silent: one line per 10 % of the stage or every 30 s, with elapsed time and an estimate of the rest.
 */
export function createProgressReporter(io: CliIo, options: { now?: () => number } = {}): ProgressReporter {
  return colourAllowed(io, 'stderr') ? barReporter(io) : lineReporter(io, options.now ?? Date.now);
}

const HEARTBEAT_MS = 30_000;

/** m:ss, or h:mm:ss from an hour. */
export function clock(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const mmss = `${Math.floor((s % 3600) / 60)}:${String(s % 60).padStart(2, '0')}`;
  return s >= 3600 ? `${Math.floor(s / 3600)}:${mmss.padStart(5, '0')}` : mmss;
}

function lineReporter(io: CliIo, now: () => number): ProgressReporter {
  let started = 0;
  let lastLine = 0;
  let lastDecile = 0;
  let current: { loop: number; stage: string; done: number; total: number } | undefined;
  let timer: NodeJS.Timeout | undefined;
  const line = () => {
    if (!current) return;
    const { loop, stage, done, total } = current;
    lastLine = now();
    const elapsed = lastLine - started;
    const eta = done > 0 ? clock((elapsed / done) * (total - done)) : '?';
    io.stderr.write(`loop ${loop} ${stage}: ${done}/${total} (${Math.floor((done / total) * 100)}%), elapsed ${clock(elapsed)}, eta ${eta}\n`);
  };
  const stopTimer = () => {
    clearInterval(timer);
    timer = undefined;
  };
  return {
    onEvent(event) {
      if (event.type === 'stage_start') {
        started = lastLine = now();
        lastDecile = 0;
        current = { loop: event.loop, stage: event.stage, done: 0, total: Math.max(event.total, 1) };
        stopTimer();
        // a question can take minutes: the heartbeat needs no progress event to speak
        timer = setInterval(() => now() - lastLine >= HEARTBEAT_MS && line(), 1_000).unref();
      } else if (event.type === 'stage_progress' && current && event.total > 0) {
        current = { ...current, done: event.done, total: event.total };
        const decile = Math.floor((event.done / event.total) * 10);
        const due = (decile > lastDecile && event.done < event.total) || now() - lastLine >= HEARTBEAT_MS;
        lastDecile = Math.max(decile, lastDecile);
        if (due) line();
      } else if (event.type === 'stage_end') {
        stopTimer();
        current = undefined;
        io.stderr.write(`loop ${event.loop} ${event.stage}: ${event.summary}\n`);
      }
    },
    stop: stopTimer,
  };
}

function barReporter(io: CliIo): ProgressReporter {
  const multibar = new cliProgress.MultiBar(
    {
      stream: io.stderr as NodeJS.WritableStream,
      format: 'loop {loop} {stage} |{bar}| {value}/{total} {summary}',
      hideCursor: true,
      autopadding: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let bar: cliProgress.SingleBar | undefined;
  let stopped = false;
  return {
    onEvent(event) {
      if (event.type === 'stage_start') {
        bar = multibar.create(Math.max(event.total, 1), 0, { loop: event.loop, stage: STAGE_LABEL[event.stage], summary: '' });
      } else if (event.type === 'stage_progress') {
        bar?.update(event.done, { summary: '' });
      } else if (event.type === 'stage_end') {
        bar?.update(bar.getTotal(), { summary: event.summary });
      }
    },
    stop() {
      if (!stopped) multibar.stop();
      stopped = true;
    },
  };
}
