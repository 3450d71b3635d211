import type { IndexDefinition, TableDefinition, TableName } from '../functions/pipeline.ts';
import type { PipelineDescription } from './complaint-pipeline-stack.ts';

/**
 * One step of changing index projections on a deployed stack. DynamoDB cannot change an index's
 * projection in place, and CloudFormation creates or deletes one global secondary index per table
 * update, so each index whose projection changed is dropped in one deploy and created again in the
 * next (README "Upgrading a deployed stack").
 */
export interface IndexUpgradeStep {
  /** Indexes still projected ALL, as the deployed stack has them (not converted yet). */
  readonly projectAll: readonly string[];
  /** Indexes left out of this deploy (the one being converted). */
  readonly omit: readonly string[];
}

/** A context value that names no index of the pipeline's tables; the message names the context key. */
export class IndexUpgradeError extends Error {
  override readonly name = 'IndexUpgradeError';
}

/**
 * Reads one context value of the upgrade step: index names separated by commas or spaces.
 * @param key the context key, for the error message
 * @param value what `-c key=…` gave (undefined: not given)
 * @param tables the tables whose indexes may be named
 * @throws IndexUpgradeError when a name is no index of these tables, or the value is not a string
 */
export function parseIndexList(key: string, value: unknown, tables: Readonly<Record<TableName, TableDefinition>>): string[] {
  if (value === undefined) return [];
  if (typeof value !== 'string') throw new IndexUpgradeError(`context ${key}: expected index names separated by commas, got ${JSON.stringify(value)}`);
  const names = value.split(/[\s,]+/).filter(Boolean);
  const known = new Set(Object.values(tables).flatMap((t) => t.indexes.map((i) => i.name)));
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length) throw new IndexUpgradeError(`context ${key}: no index named ${unknown.join(', ')} (indexes: ${[...known].sort().join(', ')})`);
  return names;
}

/**
 * The pipeline as this upgrade step deploys it: the named indexes projected ALL or left out.
 * @returns the description unchanged when the step names nothing
 */
export function applyIndexUpgradeStep(pipeline: PipelineDescription, step: IndexUpgradeStep): PipelineDescription {
  if (!step.projectAll.length && !step.omit.length) return pipeline;
  const asDeployed = (index: IndexDefinition): IndexDefinition => {
    if (!step.projectAll.includes(index.name)) return index;
    const { include: _projected, ...all } = index;
    return all;
  };
  const asStepDeploys = (def: TableDefinition): TableDefinition => ({ ...def, indexes: def.indexes.filter((i) => !step.omit.includes(i.name)).map(asDeployed) });
  return { ...pipeline, tables: { complaints: asStepDeploys(pipeline.tables.complaints), state: asStepDeploys(pipeline.tables.state) } };
}
