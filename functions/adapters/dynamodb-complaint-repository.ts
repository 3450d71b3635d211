import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ComplaintSchema, type Complaint } from '../domain/complaint.ts';
import type { ComplaintRepository, ComplaintSummary, CreateResult } from '../ports/complaint-repository.ts';

/** Thrown when stored data does not match the schema: never silently passed on. */
export class CorruptItemError extends Error {
  override readonly name = 'CorruptItemError';
}

/** Complaints in the complaints table, keyed by `id`; external-id claims in the state table. */
export class DynamoComplaintRepository implements ComplaintRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tables: { complaints: string; state: string },
  ) {}

  async create(complaint: Complaint): Promise<CreateResult> {
    const put = {
      TableName: this.tables.complaints,
      Item: complaint,
      ConditionExpression: 'attribute_not_exists(id)',
    };
    if (complaint.externalId === undefined) {
      await this.doc.send(new PutCommand(put));
      return { created: true, complaint };
    }
    const claimKey = { pk: externalIdKey(complaint.channel, complaint.externalId), sk: 'EXT' };
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tables.state,
                Item: { ...claimKey, complaintId: complaint.id, expiresAt: complaint.expiresAt },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            { Put: put },
          ],
        }),
      );
      return { created: true, complaint };
    } catch (err) {
      if (!(err instanceof TransactionCanceledException) || err.CancellationReasons?.[0]?.Code !== 'ConditionalCheckFailed') throw err;
      const claim = await this.doc.send(new GetCommand({ TableName: this.tables.state, Key: claimKey, ConsistentRead: true }));
      const first = await this.get(String(claim.Item?.complaintId));
      if (!first) throw new CorruptItemError(`external id ${claimKey.pk} points at a missing complaint`);
      return { created: false, complaint: first };
    }
  }

  async get(id: string): Promise<Complaint | undefined> {
    const res = await this.doc.send(new GetCommand({ TableName: this.tables.complaints, Key: { id }, ConsistentRead: true }));
    if (!res.Item) return undefined;
    const parsed = ComplaintSchema.safeParse(res.Item);
    if (!parsed.success) throw new CorruptItemError(`complaint ${id} does not match the schema: ${parsed.error.message}`);
    return parsed.data;
  }

  async newestInCategory(category: string, limit: number): Promise<ComplaintSummary[]> {
    const res = await this.doc.send(
      new QueryCommand({
        TableName: this.tables.complaints,
        IndexName: 'byCategory',
        KeyConditionExpression: 'category = :c',
        ExpressionAttributeValues: { ':c': category },
        ProjectionExpression: 'id, title, description, receivedAt',
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (res.Items ?? []).map((i) => ({
      id: String(i.id),
      ...(typeof i.title === 'string' && { title: i.title }),
      description: String(i.description ?? ''),
      receivedAt: String(i.receivedAt),
    }));
  }
}

function externalIdKey(channel: string, externalId: string): string {
  return `EXT#${channel}#${externalId}`;
}
