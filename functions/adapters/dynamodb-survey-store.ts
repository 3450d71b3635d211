import { createHash, randomBytes } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { Complaint } from '../domain/complaint.ts';
import { LocaleSchema, type Locale } from '../domain/config.ts';
import { signToken, verifyToken, type LinkKeys } from '../domain/link-signing.ts';
import { recipientKey, type Recipient } from '../domain/mailbox.ts';
import { isWellFormedToken, TOKEN_BYTES, type SurveyLink } from '../domain/survey.ts';
import type { OptOutStore, RecordAnswerResult, SurveyClaimResult, SurveyFactAnswer, SurveySendClaim, SurveyStore, UnsubscribeLink } from '../ports/survey-store.ts';
import { CorruptItemError, queryDueComplaints, toItem } from './dynamodb-complaint-repository.ts';
import { DynamoSurveyFacts, surveyFactKey } from './dynamodb-survey-facts.ts';
import type { StoreFactory } from './runtime.ts';

/** A link can still be shown as "expired" (410) this long after it expired; then TTL deletes it (404). */
const EXPIRED_LINK_GRACE_SECONDS = 30 * 86_400;
/** Unsubscribe links work for a year. */
const UNSUBSCRIBE_LINK_SECONDS = 365 * 86_400;
/** The purpose a signed unsubscribe link is signed for (a link of another kind never verifies as one). */
const UNSUBSCRIBE_PURPOSE = 'unsubscribe';

/** What a signed unsubscribe link carries: customer id, locale, channel, the recipient's hash (base64url), expiry (epoch seconds). */
const SignedUnsubscribeSchema = z.tuple([z.string().min(1), LocaleSchema, z.enum(['email', 'sms']), z.string().regex(/^[A-Za-z0-9_-]{43}$/), z.number().int()]);

/** A fresh token: 24 bytes from the CSPRNG, base64url (32 characters). */
export function newToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/** Tokens are stored only as their SHA-256: a leaked table holds no working link. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

const LinkItemSchema = z.object({
  surveyId: z.string(),
  complaintId: z.string(),
  reference: z.string().optional(),
  customerId: z.string(),
  locale: LocaleSchema,
  department: z.string(),
  category: z.string(),
  title: z.string(),
  sentAt: z.string(),
  linkExpiresAt: z.string(),
  answeredAt: z.string().optional(),
  statPk: z.string(),
  statSk: z.string(),
});

/** An unsubscribe link item; `channel` and `sentTo` (the recipient's hash) are absent on links issued before opt-outs were kept per address. */
const UnsubscribeItemSchema = z.object({
  customerId: z.string(),
  locale: LocaleSchema,
  channel: z.enum(['email', 'sms']).optional(),
  sentTo: z.string().regex(/^[0-9a-f]{64}$/).optional(),
});

const epochSeconds = (t: Date | string) => Math.floor(new Date(t).getTime() / 1000);
const linkKey = (token: string) => ({ pk: `SURVEY#${tokenHash(token)}`, sk: 'LINK' });
const throttleKey = (customerId: string) => ({ pk: `SURVEYED#${customerId}`, sk: 'LAST' });
/** An opt-out recorded before opt-outs were kept per address: it silences the whole customer id. */
const customerOptOutKey = (customerId: string) => ({ pk: `OPTOUT#${customerId}`, sk: 'OPTOUT' });
/** The partition of one inbox's or number's opt-outs (one item per customer id whose link was used). */
const OPT_OUT_TO = 'OPTOUTTO#';
/** The stored key of an inbox or number: SHA-256 of {@link recipientKey}, never the address. */
const recipientHash = (recipient: Recipient) => createHash('sha256').update(recipientKey(recipient), 'utf8').digest('hex');
const unsubscribeKey = (token: string) => ({ pk: `UNSUB#${tokenHash(token)}`, sk: 'LINK' });

/**
 * Survey links, throttle records, reporting facts and opt-outs in the state table; the due survey
 * index and the survey's effect on the complaint in the complaints table. Table names are resolved
 * on first use, so a function granted only the state table can still read links.
 */
export class DynamoSurveyStore implements SurveyStore, OptOutStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tables: { complaints: () => string; state: () => string },
    /** Buckets of the sparse due indexes (config `scale.dueIndexBuckets`). */
    private readonly dueIndexBuckets: number,
    /**
     * Keys that sign unsubscribe links, where the function has them (`linkKeys` access): issuing one
     * then writes nothing. Without them a link is a random token stored under its hash, as links
     * issued before signing were; those keep working either way.
     */
    private readonly linkKeys?: () => Promise<LinkKeys>,
  ) {
    this.facts = new DynamoSurveyFacts(doc, tables.state);
  }

  /** The reporting facts an answer completes. */
  private readonly facts: DynamoSurveyFacts;

  async due(now: Date, limit: number): Promise<{ items: Complaint[]; itemsRead: number }> {
    return queryDueComplaints(this.doc, { table: this.tables.complaints(), index: 'bySurveyDue', buckets: this.dueIndexBuckets }, now, limit);
  }

  async lastSurveyedAt(customerId: string): Promise<string | undefined> {
    const res = await this.doc.send(new GetCommand({ TableName: this.tables.state(), Key: throttleKey(customerId), ConsistentRead: true }));
    return typeof res.Item?.lastSentAt === 'string' ? res.Item.lastSentAt : undefined;
  }

  /**
   * Claims the survey in single writes, each safe to repeat (a transaction of the four items cost
   * twice their units: 14 WRU a survey measured, against 7 now). The complaint's write on the version
   * read is the claim: of overlapping runs exactly one gets past it. The items after it are written
   * by whichever run holds the claim, and again by the run that resumes it after the lease (README
   * "Satisfaction survey"), so a process that dies between any two of them leaves nothing a later run
   * does not finish: the throttle slot is taken only when free or already this survey's, the
   * reporting fact only once, and the link is always a fresh one (only its hash is stored).
   */
  async claimSend(claim: SurveySendClaim): Promise<SurveyClaimResult> {
    const state = this.tables.state();
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tables.complaints(),
          Item: toItem(claim.next, this.dueIndexBuckets),
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':v': claim.complaint.version },
        }),
      );
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return { ok: false, reason: 'stale' };
      throw err;
    }
    try {
      await this.doc.send(
        new PutCommand({
          TableName: state,
          Item: { ...throttleKey(claim.link.customerId), lastSentAt: claim.link.sentAt, surveyId: claim.link.surveyId, expiresAt: claim.throttleExpiresAt },
          ConditionExpression: 'attribute_not_exists(pk) OR lastSentAt <= :cutoff OR surveyId = :s',
          ExpressionAttributeValues: { ':cutoff': claim.throttleCutoff.toISOString(), ':s': claim.link.surveyId },
        }),
      );
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      // Another survey to this customer took the slot since the run read it: the complaint goes back
      // to plain pending, and the next run skips it as throttled. A crash before this write leaves
      // the claim to expire; the run that resumes it meets the same slot and comes here.
      await this.#putBack(claim.next, []);
      return { ok: false, reason: 'throttled' };
    }
    const stat = surveyFactKey(claim.fact.sentAt, claim.fact.surveyId);
    await this.#putIfAbsent({ TableName: state, Item: { ...stat, ...claim.fact, expiresAt: claim.factExpiresAt } });
    const token = newToken();
    await this.doc.send(
      new PutCommand({
        TableName: state,
        Item: { ...linkKey(token), ...claim.link, statPk: stat.pk, statSk: stat.sk, expiresAt: epochSeconds(claim.link.linkExpiresAt) + EXPIRED_LINK_GRACE_SECONDS },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return { ok: true, token };
  }

  /**
   * Gives a claim back: its link, reporting fact and throttle slot are deleted first, then the
   * complaint goes back to plain pending. A crash in between leaves the complaint claimed, and the
   * run after the lease resumes it (writing slot, fact and a link again). When the complaint changed
   * meanwhile (an agent reopened it, say), its survey is no longer this claim's to put back.
   */
  async releaseSend(claim: SurveySendClaim, token: string, now: Date): Promise<void> {
    const state = this.tables.state();
    await Promise.all([
      this.doc.send(new DeleteCommand({ TableName: state, Key: linkKey(token) })),
      this.doc.send(new DeleteCommand({ TableName: state, Key: surveyFactKey(claim.fact.sentAt, claim.fact.surveyId) })),
      this.doc
        .send(
          new DeleteCommand({
            TableName: state,
            Key: throttleKey(claim.link.customerId),
            ConditionExpression: 'attribute_not_exists(pk) OR surveyId = :s',
            ExpressionAttributeValues: { ':s': claim.link.surveyId },
          }),
        )
        .catch((err: unknown) => {
          // The slot is another survey's: not ours to free.
          if (!(err instanceof ConditionalCheckFailedException)) throw err;
        }),
    ]);
    await this.#putBack(claim.next, [{ at: now.toISOString(), actor: 'system:survey', event: 'survey_send_failed', status: claim.next.status, internal: true }]);
  }

  /** The claimed complaint back to plain pending (no claim, still due), if it is still at the claim's version. */
  async #putBack(claimed: Complaint, timeline: Complaint['timeline']): Promise<void> {
    const { sending: _sending, ...survey } = claimed.survey!;
    const restored: Complaint = { ...claimed, version: claimed.version + 1, survey, timeline: [...claimed.timeline, ...timeline] };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tables.complaints(),
          Item: toItem(restored, this.dueIndexBuckets),
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':v': claimed.version },
        }),
      );
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
  }

  /** Writes an item unless one with its key exists (a repeat after a crash writes nothing new). */
  async #putIfAbsent(input: { TableName: string; Item: Record<string, unknown> }): Promise<void> {
    try {
      await this.doc.send(new PutCommand({ ...input, ConditionExpression: 'attribute_not_exists(pk)' }));
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
  }

  async findLink(token: string): Promise<SurveyLink | undefined> {
    const res = await this.doc.send(new GetCommand({ TableName: this.tables.state(), Key: linkKey(token), ConsistentRead: true }));
    if (!res.Item) return undefined;
    const parsed = LinkItemSchema.safeParse(res.Item);
    if (!parsed.success) throw new CorruptItemError(`survey link ${String(res.Item.surveyId)} does not match the schema: ${parsed.error.message}`);
    const { statPk: _p, statSk: _s, ...link } = parsed.data;
    return link;
  }

  /**
   * Records an answer in single writes (one transaction of the three cost twice their units: about
   * 18 WRU an answer). With the complaint, its write on the version read is the answer's record: of
   * two simultaneous answers one gets past it, and the other finds the answer on the complaint when
   * it reads again (answerSurvey). The link and the reporting fact follow; if the process dies before
   * them, the next submission of the link completes the link and the fact
   * ({@link DynamoSurveyStore.completeAnswer}), and the survey follow-up on the complaints stream
   * completes the fact (followUpSurvey). Without the complaint (deleted by retention), the link's
   * conditional mark records it.
   */
  async recordAnswer(args: Parameters<SurveyStore['recordAnswer']>[0]): Promise<RecordAnswerResult> {
    const at = args.now.toISOString();
    const answer = { answeredAt: at, ...args.answer };
    if (args.complaint) {
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.tables.complaints(),
            Item: toItem(args.complaint.next, this.dueIndexBuckets),
            ConditionExpression: 'version = :v',
            ExpressionAttributeValues: { ':v': args.complaint.expectedVersion },
          }),
        );
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) return 'stale';
        throw err;
      }
      await this.completeAnswer(args.token, args.link, answer);
      return 'recorded';
    }
    if (!(await this.#markLinkAnswered(args.token, at, { unexpired: true }))) {
      const current = await this.findLink(args.token);
      if (!current) return 'not_found';
      return current.answeredAt ? 'already_answered' : 'expired';
    }
    await this.facts.recordAnswer(args.link, answer);
    return 'recorded';
  }

  async completeAnswer(token: string, link: SurveyLink, answer: SurveyFactAnswer): Promise<void> {
    // False when marked already (by the submission that recorded it), or gone with its TTL.
    await this.#markLinkAnswered(token, answer.answeredAt, { unexpired: false });
    await this.facts.recordAnswer(link, answer);
  }

  /**
   * Marks a link answered at `at` if it exists and is not answered yet (and, with `unexpired`, has not
   * expired by then). @returns false when the condition refused it
   */
  async #markLinkAnswered(token: string, at: string, options: { readonly unexpired: boolean }): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tables.state(),
          Key: linkKey(token),
          UpdateExpression: 'SET answeredAt = :at',
          ConditionExpression: `attribute_exists(pk) AND attribute_not_exists(answeredAt)${options.unexpired ? ' AND linkExpiresAt > :at' : ''}`,
          ExpressionAttributeValues: { ':at': at },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  async isOptedOut(customerId: string, recipient: Recipient): Promise<boolean> {
    const TableName = this.tables.state();
    const [legacy, byAddress] = await Promise.all([
      this.doc.send(new GetCommand({ TableName, Key: customerOptOutKey(customerId), ConsistentRead: true })),
      this.doc.send(
        new QueryCommand({
          TableName,
          KeyConditionExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': `${OPT_OUT_TO}${recipientHash(recipient)}` },
          ConsistentRead: true,
          Limit: 1,
          ProjectionExpression: 'pk',
        }),
      ),
    ]);
    return legacy.Item !== undefined || (byAddress.Items ?? []).length > 0;
  }

  async optOut(link: UnsubscribeLink, at: Date, source: 'unsubscribe_link' | 'one_click'): Promise<void> {
    const record = { optedOutAt: at.toISOString(), source };
    // Kept without TTL: forgetting an opt-out would start messaging the inbox again. One item per
    // inbox and customer id, carrying customerId for the byCustomer index: an export shows it, and an
    // erasure of that customer id deletes that customer's opt-out without touching another's.
    const Item = link.sentTo
      ? { pk: `${OPT_OUT_TO}${link.sentTo.key}`, sk: `CUSTOMER#${link.customerId}`, customerId: link.customerId, channel: link.sentTo.channel, ...record }
      : // A link issued before opt-outs were kept per address does not say where it was sent.
        { ...customerOptOutKey(link.customerId), ...record };
    await this.doc.send(new PutCommand({ TableName: this.tables.state(), Item }));
  }

  async issueUnsubscribeLink(customerId: string, recipient: Recipient, locale: Locale, now: Date): Promise<string> {
    const sentTo = recipientHash(recipient);
    if (this.linkKeys) {
      const payload = [customerId, locale, recipient.channel, Buffer.from(sentTo, 'hex').toString('base64url'), epochSeconds(now) + UNSUBSCRIBE_LINK_SECONDS];
      return signToken(await this.linkKeys(), UNSUBSCRIBE_PURPOSE, payload);
    }
    const token = newToken();
    await this.doc.send(
      new PutCommand({
        TableName: this.tables.state(),
        Item: { ...unsubscribeKey(token), customerId, locale, channel: recipient.channel, sentTo, expiresAt: epochSeconds(now) + UNSUBSCRIBE_LINK_SECONDS },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return token;
  }

  async findUnsubscribeLink(token: string, now: Date): Promise<UnsubscribeLink | undefined> {
    if (isWellFormedToken(token)) {
      // A stored link (issued without keys, or before links were signed): DynamoDB TTL ends it.
      const res = await this.doc.send(new GetCommand({ TableName: this.tables.state(), Key: unsubscribeKey(token), ConsistentRead: true }));
      const parsed = UnsubscribeItemSchema.safeParse(res.Item);
      if (!parsed.success) return undefined;
      const { customerId, locale, channel, sentTo } = parsed.data;
      return { customerId, locale, ...(channel && sentTo && { sentTo: { channel, key: sentTo } }) };
    }
    if (!this.linkKeys) return undefined;
    const payload = SignedUnsubscribeSchema.safeParse(verifyToken(await this.linkKeys(), UNSUBSCRIBE_PURPOSE, token));
    if (!payload.success) return undefined;
    const [customerId, locale, channel, sentTo, expiresAt] = payload.data;
    if (expiresAt <= epochSeconds(now)) return undefined;
    return { customerId, locale, sentTo: { channel, key: Buffer.from(sentTo, 'base64url').toString('hex') } };
  }
}

/** Survey links, answers and opt-outs (the runtime's `surveys` and `optOuts`). */
export const surveyStore: StoreFactory<'surveys'> = (ctx) =>
  new DynamoSurveyStore(ctx.doc, { complaints: () => ctx.table('complaints'), state: () => ctx.table('state') }, ctx.config.scale.dueIndexBuckets, ctx.linkKeys);
