import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';

type Image = NonNullable<DynamoDBRecord['dynamodb']>['NewImage'];

/**
 * A complaints-stream record as Lambda delivers it: INSERT for a new image alone, MODIFY when an old
 * image is given too. The image's `id` is the key.
 */
export function streamRecord(sequenceNumber: bigint | number, newImage: Readonly<Record<string, unknown>>, oldImage?: object): DynamoDBRecord {
  return {
    eventID: `ev${sequenceNumber}`,
    eventName: oldImage ? 'MODIFY' : 'INSERT',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'local',
    eventSourceARN: 'arn:aws:dynamodb:local:000000000000:table/complaints/stream/test',
    dynamodb: {
      Keys: { id: { S: String(newImage.id) } },
      NewImage: marshall(newImage, { removeUndefinedValues: true }) as Image,
      ...(oldImage && { OldImage: marshall(oldImage, { removeUndefinedValues: true }) as Image }),
      SequenceNumber: String(sequenceNumber),
      SizeBytes: 100,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}
