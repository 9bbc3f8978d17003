// The simulator as its own process (as in a deployment): the bench reads its request log over IPC.
import { createSimulator } from '@genie-enhancer/databricks-sim';

const options = JSON.parse(process.argv[2] ?? '{}') as { datasets: string[]; latencyMs: number; qpm?: number };
const sim = await createSimulator({ datasets: options.datasets, genieLatencyMs: options.latencyMs, questionsPerMinute: options.qpm ?? 0 });
const reply = (message: unknown) => process.send!(message);
reply({ type: 'ready', sim: { url: sim.url, token: sim.token, warehousePort: sim.warehousePort, warehouseId: sim.warehouseId, caCert: sim.caCert, spaceId: sim.spaces[0].space_id } });
process.on('message', (message: { type: string; id: number }) => {
  if (message.type === 'questions') {
    reply({ id: message.id, entries: sim.requestLog.filter((r) => r.kind === 'genie_question').map((r) => ({ at: r.at, status: r.status })) });
  } else if (message.type === 'clear') {
    sim.requestLog.length = 0;
    reply({ id: message.id });
  }
});
process.on('disconnect', () => void sim.close().finally(() => process.exit(0)));
