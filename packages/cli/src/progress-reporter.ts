import cliProgress from 'cli-progress';
import type { RunProgress } from '@genie-enhancer/shared';
import type { CliIo } from './cli-io.ts';

export interface ProgressReporter {
  onEvent(event: RunProgress): void;
  stop(): void;
}

const STAGE_LABEL = { preflight: 'check', stage: 'copy ', score: 'score', plan: 'plan ', apply: 'apply', rollback: 'undo ', promote: 'promo', discard: 'drop ', restore: 'restr' } as const;

/** A bar per stage on a TTY; otherwise one line per finished stage, so logs and CI output stay readable. */
export function createProgressReporter(io: CliIo): ProgressReporter {
  return io.stderr.isTTY ? barReporter(io) : lineReporter(io);
}

function lineReporter(io: CliIo): ProgressReporter {
  return {
    onEvent(event) {
      if (event.type === 'stage_end') io.stderr.write(`loop ${event.loop} ${event.stage}: ${event.summary}\n`);
    },
    stop() {},
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
