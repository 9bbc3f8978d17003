import { createHistoryWriter, createLogger, historyTarget, type Logger } from '@genie-enhancer/shared';
import { startHistoryMirror } from './history-mirror.ts';
import { historyWarehouseId, MirrorConfig, parseServiceConfig, type Env } from './service-config.ts';
import { closeOnSignals, workerRedis, workspaceFromConfig } from './worker-runtime.ts';

/** Boots the mirror worker: drains the history outbox into the Delta tables of HISTORY_CATALOG.HISTORY_SCHEMA. */
export async function runMirrorService(env: Env) {
  let logger: Logger = createLogger('mirror-worker');
  try {
    const config = parseServiceConfig(MirrorConfig, env);
    logger = createLogger('mirror-worker', { level: config.LOG_LEVEL });
    const warehouseId = historyWarehouseId(config);
    if (!warehouseId) throw new Error('HISTORY_WAREHOUSE_ID (or DATABRICKS_WAREHOUSE_ID): the warehouse that writes the history tables is required');
    const target = historyTarget(config.HISTORY_CATALOG, config.HISTORY_SCHEMA);
    const redis = workerRedis(config);
    const workspace = await workspaceFromConfig(config, logger);
    const mirror = startHistoryMirror({
      redis, prefix: config.REDIS_KEY_PREFIX, logger, batchSize: config.HISTORY_BATCH_SIZE,
      writer: createHistoryWriter({ warehouse: workspace.warehouse(warehouseId), target, logger }),
    });
    logger.info({ warehouse_id: warehouseId, target: `${target.catalog}.${target.schema}`, pid: process.pid }, 'worker ready');
    closeOnSignals(logger, [() => mirror.stop(), () => workspace.close(), () => redis.quit()]);
    return mirror;
  } catch (error) {
    logger.fatal({ err: (error as Error).message }, 'cannot start');
    process.exit(1);
  }
}
