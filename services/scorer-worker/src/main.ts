import { JOB, QUEUES, runStageService, scorePassJob, scoreQuestionJob } from '@genie-enhancer/shared';

// One job per benchmark question, and the pass job that closes each scoring pass; scale by running more of these.
await runStageService({
  name: 'scorer-worker',
  queue: QUEUES.score,
  defaultConcurrency: 4,
  asksGenie: true,
  handlers: { [JOB.question]: scoreQuestionJob, [JOB.pass]: scorePassJob },
});
