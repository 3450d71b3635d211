import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import { readJsonFile, writeJsonAtomically } from './json-file.ts';
import type { StreamCheckpointStore } from './stream-poller.ts';

const CheckpointFileSchema = z.object({
  streamArn: z.string(),
  shards: z.record(z.string(), z.string().regex(/^\d+$/)),
});
type CheckpointFile = z.infer<typeof CheckpointFileSchema>;

/** Thrown when a checkpoint file exists but cannot be used; names the file. */
export class CheckpointFileError extends Error {
  override readonly name = 'CheckpointFileError';
}

/**
 * One consumer's stream checkpoints in a JSON file, `<dir>/<consumer>.json`: the stream ARN and the
 * last handled sequence number per shard. Each save replaces the file atomically (write, then
 * rename), so a crash leaves the previous checkpoint or the new one, never half a file. Checkpoints
 * of another stream (the table was recreated) are ignored.
 */
export class FileCheckpointStore implements StreamCheckpointStore {
  readonly #file: string;
  #data: CheckpointFile | undefined;

  constructor(
    dir: string,
    readonly consumer: string,
  ) {
    if (!/^[\w.-]+$/.test(consumer)) throw new RangeError(`consumer name '${consumer}' cannot be a file name`);
    mkdirSync(dir, { recursive: true });
    this.#file = join(dir, `${consumer}.json`);
  }

  async load(streamArn: string): Promise<Readonly<Record<string, string>>> {
    const saved = readJsonFile(this.#file, CheckpointFileSchema);
    if (saved.kind === 'invalid') throw new CheckpointFileError(`stream checkpoint file ${this.#file} is not valid; delete it to start over from TRIM_HORIZON`);
    if (saved.kind === 'missing' || saved.data.streamArn !== streamArn) return this.#fresh(streamArn).shards;
    this.#data = saved.data;
    return { ...saved.data.shards };
  }

  async save(streamArn: string, shardId: string, sequenceNumber: string): Promise<void> {
    const data = this.#data?.streamArn === streamArn ? this.#data : this.#fresh(streamArn);
    data.shards[shardId] = sequenceNumber;
    writeJsonAtomically(this.#file, data);
  }

  #fresh(streamArn: string): CheckpointFile {
    this.#data = { streamArn, shards: {} };
    return this.#data;
  }
}
