import { SERVICE_ENTRY } from './service-processes.ts';

/** dist/<name>.js ← its source: what `pnpm build` bundles for the Docker image (docker-compose.yml runs these). */
export const SERVICE_BUNDLES = {
  api: SERVICE_ENTRY.api,
  'api-keys': 'services/api/src/keys-cli.ts',
  'scorer-worker': SERVICE_ENTRY.scorer,
  'planner-worker': SERVICE_ENTRY.planner,
  'applier-worker': SERVICE_ENTRY.applier,
  'mirror-worker': SERVICE_ENTRY.mirror,
  'databricks-sim': 'packages/databricks-sim/src/main.ts',
} as const;
