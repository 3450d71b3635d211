import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { FilterPatternError, matchesFilter, validateFilterPatterns } from '../../functions/local/event-filter.ts';
import { functions } from '../../functions/pipeline.ts';

const insert: DynamoDBRecord = {
  eventID: '1',
  eventName: 'INSERT',
  eventVersion: '1.1',
  eventSource: 'aws:dynamodb',
  awsRegion: 'ddblocal',
  eventSourceARN: 'arn:aws:dynamodb:ddblocal:000000000000:table/t/stream/2026-01-01T00:00:00.000',
  dynamodb: {
    ApproximateCreationDateTime: 1_790_000_000,
    Keys: { id: { S: 'C1' } },
    NewImage: {
      id: { S: 'C1' },
      entity: { S: 'complaint' },
      category: { S: 'delivery-late' },
      status: { S: 'NEW' },
      score: { N: '3' },
      tags: { SS: ['vip', 'repeat'] },
      flagged: { BOOL: true },
      contact: { M: { channel: { S: 'Email' } } },
    },
    SequenceNumber: '000000000000000000001',
    SizeBytes: 120,
    StreamViewType: 'NEW_AND_OLD_IMAGES',
  },
};

const modify: DynamoDBRecord = {
  ...insert,
  eventName: 'MODIFY',
  dynamodb: { ...insert.dynamodb, OldImage: { id: { S: 'C1' }, entity: { S: 'complaint' }, status: { S: 'NEW' } } },
};

const volumeMonitor = functions.volumeMonitor.trigger;
if (volumeMonitor.kind !== 'stream') throw new Error('volumeMonitor is a stream consumer');

describe('matchesFilter', () => {
  it.each([
    ['no patterns lets everything through', [], insert, true],
    ['the volume monitor pattern takes a new complaint', volumeMonitor.filterPatterns, insert, true],
    ['the volume monitor pattern drops an update', volumeMonitor.filterPatterns, modify, false],
    [
      'the volume monitor pattern drops another entity',
      volumeMonitor.filterPatterns,
      { ...insert, dynamodb: { ...insert.dynamodb, NewImage: { entity: { S: 'counter' } } } },
      false,
    ],
    ['any value of a list', [{ eventName: ['MODIFY', 'INSERT'] }], insert, true],
    ['a value not in the list', [{ eventName: ['REMOVE'] }], insert, false],
    ['any pattern may match', [{ eventName: ['REMOVE'] }, { eventName: ['INSERT'] }], insert, true],
    ['every key of a pattern must match', [{ eventName: ['INSERT'], eventSource: ['aws:sqs'] }], insert, false],
    ['a nested object', [{ dynamodb: { NewImage: { contact: { M: { channel: { S: ['Email'] } } } } } }], insert, true],
    ['a number literal against a number', [{ dynamodb: { SizeBytes: [120] } }], insert, true],
    ['a missing field does not match a value', [{ dynamodb: { NewImage: { closedAt: { S: ['x'] } } } }], insert, false],
    ['a boolean', [{ dynamodb: { NewImage: { flagged: { BOOL: [true] } } } }], insert, true],
    ['any element of a set', [{ dynamodb: { NewImage: { tags: { SS: ['repeat'] } } } }], insert, true],
    ['prefix', [{ dynamodb: { NewImage: { category: { S: [{ prefix: 'delivery-' }] } } } }], insert, true],
    ['prefix that does not fit', [{ dynamodb: { NewImage: { category: { S: [{ prefix: 'payment-' }] } } } }], insert, false],
    ['suffix', [{ dynamodb: { NewImage: { category: { S: [{ suffix: '-late' }] } } } }], insert, true],
    ['equals-ignore-case', [{ dynamodb: { NewImage: { status: { S: [{ 'equals-ignore-case': 'new' }] } } } }], insert, true],
    ['anything-but a value', [{ eventName: [{ 'anything-but': 'REMOVE' }] }], insert, true],
    ['anything-but the value present', [{ eventName: [{ 'anything-but': ['INSERT', 'REMOVE'] }] }], insert, false],
    ['anything-but a prefix', [{ dynamodb: { NewImage: { category: { S: [{ 'anything-but': { prefix: 'delivery' } }] } } } }], insert, false],
    ['anything-but needs the field', [{ dynamodb: { NewImage: { closedAt: { S: [{ 'anything-but': 'x' }] } } } }], insert, false],
    ['exists true', [{ dynamodb: { NewImage: { status: { S: [{ exists: true }] } } } }], insert, true],
    ['exists true on a missing field', [{ dynamodb: { OldImage: { status: { S: [{ exists: true }] } } } }], insert, false],
    ['exists false on a missing field', [{ dynamodb: { OldImage: { status: { S: [{ exists: false }] } } } }], insert, true],
    ['exists false on a present field', [{ dynamodb: { OldImage: { status: { S: [{ exists: false }] } } } }], modify, false],
    ['exists looks at leaves, not objects', [{ dynamodb: { NewImage: [{ exists: true }] } }], insert, false],
    ['numeric range', [{ dynamodb: { SizeBytes: [{ numeric: ['>', 100, '<=', 120] }] } }], insert, true],
    ['numeric out of range', [{ dynamodb: { SizeBytes: [{ numeric: ['<', 100] }] } }], insert, false],
    ['numeric equals', [{ dynamodb: { ApproximateCreationDateTime: [{ numeric: ['=', 1_790_000_000] }] } }], insert, true],
    ['numeric never matches a DynamoDB N (a string)', [{ dynamodb: { NewImage: { score: { N: [{ numeric: ['>', 0] }] } } } }], insert, false],
    ['a DynamoDB N matches as a string', [{ dynamodb: { NewImage: { score: { N: ['3'] } } } }], insert, true],
    ['$or', [{ $or: [{ eventName: ['REMOVE'] }, { dynamodb: { NewImage: { status: { S: ['NEW'] } } } }] }], insert, true],
    ['$or with no alternative matching', [{ $or: [{ eventName: ['REMOVE'] }, { eventName: ['MODIFY'] }] }], insert, false],
  ] as const)('%s', (_label, patterns, record, expected) => {
    expect(matchesFilter(record, patterns as unknown as Record<string, unknown>[])).toBe(expected);
  });

  it.each([
    ['a leaf that is not a list', [{ eventName: 'INSERT' }]],
    ['an empty list', [{ eventName: [] }]],
    ['an unknown operator', [{ eventName: [{ wildcard: 'IN*' }] }]],
    ['an operator object with two keys', [{ eventName: [{ prefix: 'I', suffix: 'T' }] }]],
    ['a numeric comparison without a number', [{ dynamodb: { SizeBytes: [{ numeric: ['>', '1'] }] } }]],
    ['a numeric comparison with an unknown operator', [{ dynamodb: { SizeBytes: [{ numeric: ['!=', 1] }] } }]],
    ['exists with a non-boolean', [{ eventName: [{ exists: 'yes' }] }]],
    ['prefix with a non-string', [{ eventName: [{ prefix: 1 }] }]],
    ['$or with one alternative', [{ $or: [{ eventName: ['INSERT'] }] }]],
  ])('refuses %s', (_label, patterns) => {
    expect(() => validateFilterPatterns(patterns)).toThrow(FilterPatternError);
  });

  it('names the path of a bad pattern', () => {
    expect(() => validateFilterPatterns([{ dynamodb: { NewImage: { entity: { S: 'complaint' } } } }])).toThrow(
      'patterns[0].dynamodb.NewImage.entity.S',
    );
  });

  it('accepts every pattern in the pipeline description', () => {
    for (const { trigger } of Object.values(functions)) {
      if (trigger.kind === 'stream') expect(() => validateFilterPatterns(trigger.filterPatterns)).not.toThrow();
    }
  });
});
