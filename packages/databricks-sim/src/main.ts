/**
 * `pnpm sim -- --dataset DIR [--dataset DIR2] [--port 8080] [--warehouse-port 8443] [--ca-cert-out FILE] [--cert-host NAME] [--qpm 0]
 *   [--inject-429 0.0] [--latency-ms 300] [--token T] [--print-token] [--today YYYY-MM-DD]
 *   [--genie-noise P] [--genie-seed N] [--replay DIR] [--data-dir DIR]`
 * --genie-noise P (0..1, default 0): the chance that a question gets a plausible alternative reading; --genie-seed N
 * (an integer, default 0) makes the readings replayable.
 * --replay DIR serves a recorded run (cassettes of `genie-enhance run --record DIR`); --dataset is optional with it.
 * The token comes from --token, else DATABRICKS_SIM_TOKEN, else a random one; it is printed only with --print-token.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createLogger, InputError } from '@genie-enhancer/shared';
import { createSimulator } from './simulator.ts';

const USAGE = `usage: pnpm sim -- --dataset DIR [--dataset DIR2] [options]
       pnpm sim -- --replay DIR [--dataset DIR] [options]

  --dataset DIR          a dataset folder (schema.sql, CSVs, space.json); repeatable, required without --replay
  --replay DIR           serve the run recorded in DIR (genie-enhance run --record DIR): recorded questions,
                         prompts and statements get their recorded answers, anything else is simulated
  --port N               REST port (default 8080; 0 = any free port)
  --warehouse-port N     SQL warehouse (Thrift over HTTPS) port (default 8443)
  --ca-cert-out FILE     write the warehouse's self-signed CA certificate here
  --cert-host NAME       another host name the certificate is valid for (repeatable)
  --host ADDR            listen address (default 127.0.0.1)
  --token T              the PAT to accept (else DATABRICKS_SIM_TOKEN, else random)
  --print-token          log the token and the OAuth M2M client id and secret
  --qpm N                Genie questions per minute, 0 = unlimited (default 0)
  --inject-429 P         answer a question with 429 with probability P (default 0)
  --latency-ms N         time a Genie answer takes (default 300)
  --today YYYY-MM-DD     fixed current_date()
  --data-dir DIR         keep the warehouse's tables in a DuckDB file here (default: in memory)
  --genie-noise P        chance of a plausible wrong reading per question (default 0)
  --genie-seed N         seed of the noise (default 0)
  -h, --help             this text
`;

const logger = createLogger('databricks-sim');
let parsed: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    args: process.argv.slice(2).filter((a) => a !== '--'),
    options: {
      dataset: { type: 'string', multiple: true },
      replay: { type: 'string' },
      port: { type: 'string', default: '8080' },
      'warehouse-port': { type: 'string', default: '8443' },
      'ca-cert-out': { type: 'string' },
      'cert-host': { type: 'string', multiple: true },
      'inject-429': { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      qpm: { type: 'string', default: '0' },
      'latency-ms': { type: 'string', default: '300' },
      token: { type: 'string' },
      'print-token': { type: 'boolean', default: false },
      today: { type: 'string' },
      'data-dir': { type: 'string' },
      'genie-noise': { type: 'string', default: '0' },
      'genie-seed': { type: 'string', default: '0' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}
try {
  parsed = parse();
} catch (error) {
  process.stderr.write(`databricks-sim: ${(error as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
const { values } = parsed;
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
if (!values.dataset?.length && !values.replay) {
  process.stderr.write('databricks-sim: --dataset DIR is required (repeatable), or --replay DIR\n');
  process.exit(2);
}
const genieNoise = { probability: Number(values['genie-noise']), seed: Number(values['genie-seed']) };
if (!(genieNoise.probability >= 0 && genieNoise.probability <= 1) || !Number.isSafeInteger(genieNoise.seed)) {
  process.stderr.write('databricks-sim: --genie-noise takes a number from 0 to 1 and --genie-seed an integer\n');
  process.exit(2);
}
const sim = await createSimulator({
  datasets: values.dataset ?? [],
  ...(values.replay ? { replay: values.replay } : {}),
  port: Number(values.port),
  warehousePort: Number(values['warehouse-port']),
  ...(values['cert-host'] ? { certificateHostNames: values['cert-host'] } : {}),
  ...(Number(values['inject-429']) > 0 ? { inject429: () => Math.random() < Number(values['inject-429']) } : {}),
  host: values.host,
  questionsPerMinute: Number(values.qpm),
  genieLatencyMs: Number(values['latency-ms']),
  token: values.token ?? (process.env.DATABRICKS_SIM_TOKEN || randomBytes(24).toString('hex')),
  today: values.today,
  ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
  ...(genieNoise.probability > 0 ? { genieNoise } : {}),
}).catch((error: unknown) => {
  // a missing or damaged cassette directory is bad input, named in the message
  if (!(error instanceof InputError)) throw error;
  process.stderr.write(`databricks-sim: --replay: ${error.message}\n`);
  process.exit(2);
});
if (values['ca-cert-out']) writeFileSync(values['ca-cert-out'], sim.caCert);
logger.info({ url: sim.url, warehouse_port: sim.warehousePort, ...(values['print-token'] ? { token: sim.token, oauth_client_id: sim.oauthClient.clientId, oauth_client_secret: sim.oauthClient.clientSecret } : {}), warehouse_id: sim.warehouseId, spaces: sim.spaces.map((s) => ({ space_id: s.space_id, title: s.title })), genie_noise: genieNoise }, 'simulator listening');
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    logger.info({ signal, ...(values.replay ? { replay: sim.replayStats() } : {}) }, 'simulator stopping');
    void sim.close().then(() => process.exit(0));
  });
}
