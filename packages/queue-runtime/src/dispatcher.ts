import { FlowProducer, Queue } from 'bullmq';
import type { RedisClient } from './redis-client.ts';
import type { RunCommand, RunState } from '@genie-enhancer/shared';
import { ALL_QUEUES, JOB_SPECS, jobIds, QUEUES, scoringPassFlow, stageJobOptions, type JobData } from './queues.ts';

/** Turns the engine's commands into jobs; every job id is derived from the command, so a repeat adds nothing. */
export interface Dispatcher {
  dispatch(state: RunState, commands: readonly RunCommand[]): Promise<void>;
  close(): Promise<void>;
}

export function createDispatcher(connection: RedisClient, prefix: string, options: { retryBackoffMs?: number } = {}): Dispatcher {
  const jobOptions = stageJobOptions(options.retryBackoffMs);
  const queues = new Map(ALL_QUEUES.filter((q) => q !== QUEUES.score).map((name) => [name, new Queue(name, { connection, prefix })]));
  const flows = new FlowProducer({ connection, prefix });
  return {
    async dispatch(state, commands) {
      for (const command of commands) {
        if (command.type === 'score') {
          // with Genie's evaluation as the scorer, the pass job scores the whole pass: no question jobs
          const asks = state.config.scorer === 'native' ? 0 : state.question_count * state.config.repeats;
          await flows.add(scoringPassFlow(state.run_id, command.pass, asks, jobOptions));
          continue;
        }
        const { data, jobId } = jobOf(state, command);
        // each job's queue is the catalog's, so the one who serves it is never decided twice
        await queues.get(JOB_SPECS[command.type].queue)!.add(command.type, data, { ...jobOptions, jobId });
      }
    },
    async close() {
      await Promise.all([...[...queues.values()].map((q) => q.close()), flows.close()]);
    },
  };
}

/**
 * A command's job data and idempotent id; a refused promotion or a restore may be asked again, each its own job, and
 * so may a loop planned again after the space changed under its update (`.r<n>`, n = conflicts so far).
 */
function jobOf(state: RunState, command: Exclude<RunCommand, { type: 'score' }>): { data: JobData<typeof command.type>; jobId: string } {
  const run_id = state.run_id;
  switch (command.type) {
    case 'plan':
    case 'apply': {
      const replans = state.loops.find((l) => l.loop === command.loop)?.conflicts?.length ?? 0;
      return { data: { run_id, loop: command.loop }, jobId: jobIds[command.type](run_id, command.loop) + (replans > 0 ? `.r${replans}` : '') };
    }
    case 'rollback':
      return { data: { run_id, loop: command.loop }, jobId: jobIds[command.type](run_id, command.loop) };
    case 'promote':
      return { data: { run_id }, jobId: jobIds.promote(run_id, state.promotion_attempts ?? 0) };
    case 'restore':
      return { data: { run_id }, jobId: jobIds.restore(run_id, state.restore_requests ?? 0) };
    case 'preflight':
    case 'stage':
    case 'discard':
      return { data: { run_id }, jobId: jobIds[command.type](run_id) };
  }
}
