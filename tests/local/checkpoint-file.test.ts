import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CheckpointFileError, FileCheckpointStore } from '../../functions/local/checkpoint-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'checkpoints-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('FileCheckpointStore', () => {
  it('keeps the last checkpoint per shard across instances (a restart)', async () => {
    const store = new FileCheckpointStore(dir, 'volumeMonitor');
    expect(await store.load('arn:s1')).toEqual({});
    await store.save('arn:s1', 'shard-a', '000000000000000000007');
    await store.save('arn:s1', 'shard-a', '000000000000000000009');
    await store.save('arn:s1', 'shard-b', '000000000000000000003');
    expect(await new FileCheckpointStore(dir, 'volumeMonitor').load('arn:s1')).toEqual({ 'shard-a': '000000000000000000009', 'shard-b': '000000000000000000003' });
    expect(await new FileCheckpointStore(dir, 'progressNotifier').load('arn:s1')).toEqual({});
  });

  it('ignores checkpoints of another stream (the table was recreated)', async () => {
    const store = new FileCheckpointStore(dir, 'surveyFollowup');
    await store.save('arn:old', 'shard-a', '5');
    expect(await new FileCheckpointStore(dir, 'surveyFollowup').load('arn:new')).toEqual({});
  });

  it('names a corrupt file', async () => {
    writeFileSync(join(dir, 'broken.json'), '{"streamArn": 1');
    await expect(new FileCheckpointStore(dir, 'broken').load('arn:s1')).rejects.toThrow(CheckpointFileError);
    await expect(new FileCheckpointStore(dir, 'broken').load('arn:s1')).rejects.toThrow(/broken\.json/);
  });
});
