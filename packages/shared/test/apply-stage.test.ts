import { describe, expect, it } from 'vitest';
import { parseSerializedSpace, type Fix, type GenieSpaces, type SpaceWithConfig, type SqlWarehouse } from '../src/index.ts';
import { applyFixes } from '../src/stages/apply.stage.ts';
import { shopSpace } from './apply-fixtures.ts';

function fakes(options: { failDdl?: boolean } = {}) {
  const backup = JSON.stringify(shopSpace(), null, 1);
  const patches: { serialized_space: string; etag?: string }[] = [];
  const statements: string[] = [];
  const spaces: GenieSpaces = {
    // this test never makes a staging space
    list: async () => [],
    create: async () => {
      throw new Error('not used');
    },
    trash: async () => {},
    get: async (id) => ({ space_id: id, etag: 'etag-1', serialized_space: backup }),
    update: async (id, patch): Promise<SpaceWithConfig> => {
      patches.push(patch);
      return { space_id: id, etag: 'etag-2', serialized_space: patch.serialized_space };
    },
  };
  const warehouse: SqlWarehouse = {
    query: async (sql) => {
      statements.push(sql);
      if (options.failDdl) throw new Error('PERMISSION_DENIED');
      return { columns: [], rows: [] };
    },
    close: async () => {},
  };
  return { backup, patches, statements, spaces, warehouse };
}

const view: Fix = {
  kind: 'metric_view', identifier: 'main.shop.sales_metrics', source: 'main.shop.sales', filter: "status <> 'VOID'",
  dimensions: [{ name: 'channel', expr: 'channel' }], measures: [{ name: 'net_sales', expr: 'SUM(net_amt)', comment: 'Net sales', synonyms: ['turnover'] }], rationale: 'r',
};
const rule: Fix = { kind: 'text_instruction', content: 'Exclude void sales.', rationale: 'r' };

describe('applyFixes', () => {
  it('creates metric views, then sends ONE PATCH with the etag, and keeps the exact backup', async () => {
    const f = fakes();
    const result = await applyFixes(f, { spaceId: 's1', fixes: [view, rule] });
    expect(f.statements).toHaveLength(1);
    expect(f.statements[0]).toMatch(/^CREATE OR REPLACE VIEW main\.shop\.sales_metrics WITH METRICS LANGUAGE YAML AS \$\$\nversion: 1\.1\nsource: main\.shop\.sales\n/);
    expect(f.statements[0]).toContain('synonyms:\n      - turnover');
    expect(f.statements[0].endsWith('$$')).toBe(true);
    expect(f.patches).toHaveLength(1);
    expect(f.patches[0].etag).toBe('etag-1');
    expect(result.backup_serialized_space).toBe(f.backup);
    expect(result.metric_views_created).toEqual(['main.shop.sales_metrics']);
    expect(result.applied).toEqual([view, rule]);
    const updated = parseSerializedSpace(f.patches[0].serialized_space);
    expect(updated.data_sources?.metric_views).toEqual([{ identifier: 'main.shop.sales_metrics' }]);
    expect(result.serialized_space).toBe(f.patches[0].serialized_space);
  });

  it('leaves a metric view out of the space when its DDL fails', async () => {
    const f = fakes({ failDdl: true });
    const result = await applyFixes(f, { spaceId: 's1', fixes: [view, rule] });
    expect(result.applied).toEqual([rule]);
    expect(result.skipped[0].reason).toMatch(/metric view DDL failed: PERMISSION_DENIED/);
    expect(parseSerializedSpace(f.patches[0].serialized_space).data_sources?.metric_views ?? []).toEqual([]);
  });

  it('does not PATCH when nothing can be applied', async () => {
    const f = fakes();
    const result = await applyFixes(f, { spaceId: 's1', fixes: [{ kind: 'metadata', table: 'main.x.y', description: 'd', rationale: 'r' }] });
    expect(f.patches).toEqual([]);
    expect(result.serialized_space).toBe(f.backup);
    expect(result.skipped).toHaveLength(1);
  });
});
