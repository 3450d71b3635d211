import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { monthsBetween, type SurveyFact } from '../domain/survey.ts';
import type { SurveyFactAnswer, SurveyFactStore } from '../ports/survey-store.ts';
import { CorruptItemError } from './dynamodb-complaint-repository.ts';
import type { StoreFactory } from './runtime.ts';

const FactItemSchema = z.object({
  surveyId: z.string(),
  department: z.string(),
  category: z.string(),
  sentAt: z.string(),
  answeredAt: z.string().optional(),
  rating: z.number().optional(),
  solved: z.boolean().optional(),
  reopened: z.boolean().optional(),
});

/** Reporting facts: one partition per month of sending, sorted by send time. The survey store writes them. */
export const surveyFactKey = (sentAt: string, surveyId: string) => ({ pk: `CSAT#${sentAt.slice(0, 7)}`, sk: `${sentAt}#${surveyId}` });

/**
 * The surveys' reporting facts in the state table. Kept apart from the survey store, so the report
 * readers (console, KPI and CSAT routes, the digest) carry none of the sending and answering code.
 */
export class DynamoSurveyFacts implements SurveyFactStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly state: () => string,
  ) {}

  async facts(from: Date, to: Date): Promise<SurveyFact[]> {
    const facts: SurveyFact[] = [];
    for (const month of monthsBetween(from, to)) {
      let startKey: Record<string, unknown> | undefined;
      do {
        const res = await this.doc.send(
          new QueryCommand({
            TableName: this.state(),
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
            // `<sentAt>#<id>` sorts after `<to>` when sentAt equals `to`, so BETWEEN is [from, to).
            ExpressionAttributeValues: { ':pk': `CSAT#${month}`, ':from': from.toISOString(), ':to': to.toISOString() },
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of res.Items ?? []) {
          const parsed = FactItemSchema.safeParse(item);
          if (!parsed.success) throw new CorruptItemError(`survey fact ${String(item.sk)} does not match the schema: ${parsed.error.message}`);
          facts.push(parsed.data);
        }
        startKey = res.LastEvaluatedKey;
      } while (startKey);
    }
    return facts;
  }

  async recordAnswer(survey: { readonly surveyId: string; readonly sentAt: string }, answer: SurveyFactAnswer): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.state(),
          Key: surveyFactKey(survey.sentAt, survey.surveyId),
          UpdateExpression: 'SET answeredAt = :at, rating = :r, solved = :s, reopened = :o',
          // Never a fact made of an answer alone (a survey sent before facts were kept).
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':at': answer.answeredAt, ':r': answer.rating, ':s': answer.solved, ':o': answer.reopened },
        }),
      );
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
  }

  async hasAnswer(survey: { readonly surveyId: string; readonly sentAt: string }): Promise<boolean> {
    const res = await this.doc.send(new GetCommand({ TableName: this.state(), Key: surveyFactKey(survey.sentAt, survey.surveyId), ProjectionExpression: 'answeredAt' }));
    return res.Item === undefined || typeof res.Item.answeredAt === 'string';
  }
}

/** The surveys' reporting facts (the runtime's `surveyFacts`). */
export const surveyFactStore: StoreFactory<'surveyFacts'> = (ctx) => new DynamoSurveyFacts(ctx.doc, () => ctx.table('state'));
