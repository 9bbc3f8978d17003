import { RunRequest } from '@genie-enhancer/shared';
import { z } from 'zod';

const SPACE_ID = /^[0-9a-fA-F]{32}$/;
const WAREHOUSE_ID = /^[0-9a-fA-F]{16}$/;

/** POST /runs body: RunRequest plus the real formats of Databricks ids (they end up in URL paths and driver paths). */
export const ApiRunRequest = RunRequest.superRefine((body, ctx) => {
  if (!SPACE_ID.test(body.space_id)) ctx.addIssue({ code: 'custom', path: ['space_id'], message: 'space_id must be 32 hexadecimal characters' });
  if (!WAREHOUSE_ID.test(body.warehouse_id)) ctx.addIssue({ code: 'custom', path: ['warehouse_id'], message: 'warehouse_id must be 16 hexadecimal characters' });
});

/** `:id` of the run routes: run ids are UUIDs. */
export const RunIdParams = z.object({ id: z.uuid('id must be a run id (a UUID)') });
