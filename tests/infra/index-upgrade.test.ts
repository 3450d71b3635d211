import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { functions, tables } from '../../functions/pipeline.ts';
import { applyIndexUpgradeStep, IndexUpgradeError, parseIndexList } from '../../lib/index-upgrade.ts';
import { cfnProjection, synthTemplate } from './template-helpers.ts';

type Gsi = { IndexName: string; Projection: Record<string, unknown> };

/** The complaints table's indexes as the template declares them, by name. */
function complaintsIndexes(template: Template): Map<string, Gsi> {
  const table = Object.values(template.findResources('AWS::DynamoDB::Table')).find((t) =>
    JSON.stringify(t.Properties.KeySchema) === JSON.stringify([{ AttributeName: tables.complaints.partitionKey.name, KeyType: 'HASH' }]),
  );
  return new Map((table?.Properties.GlobalSecondaryIndexes as Gsi[]).map((g) => [g.IndexName, g]));
}

describe('changing index projections on a deployed stack, one index per deploy', () => {
  it('reads index names separated by commas or spaces', () => {
    expect(parseIndexList('projectAll', 'byStatus, byCategory bySweepAt', tables)).toEqual(['byStatus', 'byCategory', 'bySweepAt']);
    expect(parseIndexList('omitIndexes', undefined, tables)).toEqual([]);
    expect(parseIndexList('omitIndexes', '', tables)).toEqual([]);
  });

  it('names the context key and the unknown index', () => {
    expect(() => parseIndexList('omitIndexes', 'byStatus,byStatsu', tables)).toThrow(IndexUpgradeError);
    expect(() => parseIndexList('omitIndexes', 'byStatus,byStatsu', tables)).toThrow(/^context omitIndexes: no index named byStatsu \(indexes: .*byStatus/);
    expect(() => parseIndexList('projectAll', 42, tables)).toThrow(/^context projectAll: expected index names/);
  });

  it('leaves the pipeline as it is when the step names nothing', () => {
    const pipeline = { tables, functions };
    expect(applyIndexUpgradeStep(pipeline, { projectAll: [], omit: [] })).toBe(pipeline);
  });

  it('deploys the omitted index not at all, the ones not converted yet ALL, the rest as pipeline.ts declares', () => {
    const projected = tables.complaints.indexes.filter((i) => i.include !== undefined).map((i) => i.name);
    expect(projected).toEqual(expect.arrayContaining(['byStatus', 'byCategory', 'bySweepAt']));
    const pipeline = applyIndexUpgradeStep({ tables, functions }, { projectAll: ['byCategory', 'bySweepAt'], omit: ['byStatus'] });
    const indexes = complaintsIndexes(synthTemplate({ pipeline, nag: false }));
    expect(indexes.has('byStatus')).toBe(false);
    expect(indexes.get('byCategory')?.Projection).toEqual({ ProjectionType: 'ALL' });
    expect(indexes.get('bySweepAt')?.Projection).toEqual({ ProjectionType: 'ALL' });
    for (const index of tables.complaints.indexes.filter((i) => !['byStatus', 'byCategory', 'bySweepAt'].includes(i.name))) {
      expect(indexes.get(index.name)?.Projection, index.name).toEqual(cfnProjection(index));
    }
  });
});
