import { FlowProducer, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RunCommand, RunState } from '@genie-enhancer/shared';
import { jobIds, QUEUES, scoringPassFlow, stageJobOptions, type JobData } from './queues.ts';

/** Turns the engine's commands into jobs; every job id is derived from the command, so a repeat adds nothing. */
export interface Dispatcher {
  dispatch(state: RunState, commands: readonly RunCommand[]): Promise<void>;
  close(): Promise<void>;
}

export function createDispatcher(connection: Redis, prefix: string, options: { retryBackoffMs?: number } = {}): Dispatcher {
  const jobOptions = stageJobOptions(options.retryBackoffMs);
  const planQueue = new Queue<JobData<'plan'> | JobData<'preflight'>>(QUEUES.plan, { connection, prefix });
  const applyQueue = new Queue<JobData<'apply'> | JobData<'rollback'> | JobData<'stage'>>(QUEUES.apply, { connection, prefix });
  const flows = new FlowProducer({ connection, prefix });
  return {
    async dispatch(state, commands) {
      for (const command of commands) {
        switch (command.type) {
          case 'preflight':
            await planQueue.add('preflight', { run_id: state.run_id }, { ...jobOptions, jobId: jobIds.preflight(state.run_id) });
            break;
          case 'score':
            await flows.add(scoringPassFlow(state.run_id, command.pass, state.question_count * state.config.repeats, jobOptions));
            break;
          case 'plan':
            await planQueue.add('plan', { run_id: state.run_id, loop: command.loop }, { ...jobOptions, jobId: jobIds.plan(state.run_id, command.loop) });
            break;
          case 'apply':
            await applyQueue.add('apply', { run_id: state.run_id, loop: command.loop }, { ...jobOptions, jobId: jobIds.apply(state.run_id, command.loop) });
            break;
          case 'stage':
            await applyQueue.add('stage', { run_id: state.run_id }, { ...jobOptions, jobId: jobIds.stage(state.run_id) });
            break;
          case 'promote':
            await applyQueue.add('promote', { run_id: state.run_id }, { ...jobOptions, jobId: jobIds.promote(state.run_id, state.promotion_attempts ?? 0) });
            break;
          case 'discard':
            await applyQueue.add('discard', { run_id: state.run_id }, { ...jobOptions, jobId: jobIds.discard(state.run_id) });
            break;
          case 'restore':
            await applyQueue.add('restore', { run_id: state.run_id }, { ...jobOptions, jobId: jobIds.restore(state.run_id, state.restore_requests ?? 0) });
            break;
          case 'rollback':
            await applyQueue.add('rollback', { run_id: state.run_id, loop: command.loop }, { ...jobOptions, jobId: jobIds.rollback(state.run_id, command.loop) });
            break;
        }
      }
    },
    async close() {
      await Promise.all([planQueue.close(), applyQueue.close(), flows.close()]);
    },
  };
}
