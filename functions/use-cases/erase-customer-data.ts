import type { Complaint } from '../domain/complaint.ts';
import { MAIL_PREFIX } from '../domain/inbound-mail.ts';
import { erasableTexts, eraseComplaint, scrubIncident, type ErasureRecord } from '../domain/personal-data.ts';
import type { Clock } from '../ports/clock.ts';
import type { ComplaintRepository } from '../ports/complaint-repository.ts';
import type { CustomerDataStore } from '../ports/customer-data.ts';
import type { MailStore } from '../ports/inbound-mail.ts';

export interface EraseCustomerDataDeps {
  readonly clock: Clock;
  readonly complaints: Pick<ComplaintRepository, 'get' | 'update'>;
  readonly customerData: CustomerDataStore;
  /** The mail bucket, where the config has `inbound`: the customer's raw emails and the files attached to them. */
  readonly mail?: Pick<MailStore, 'deleteUnder'>;
}

/** Thrown when a complaint keeps changing under the erasure; the request can simply be repeated. */
export class ErasureConflictError extends Error {
  override readonly name = 'ErasureConflictError';
}

/**
 * Erases one customer's personal data everywhere the pipeline keeps it, and records that it did.
 *
 * Primary course:
 * 1. find the customer's complaints and the state items naming them (no Scan);
 * 2. replace their titles in alert incidents of those categories (and drop frequent words taken
 *    from them) — first, so a repeated request after a crash still knows which texts to look for;
 * 3. delete survey and unsubscribe links (with their title excerpts), external-id claims, the survey
 *    throttle record and the opt-out;
 * 4. delete their raw emails and the files attached to them (`messages/<complaint id>/…` and
 *    `attachments/<complaint id>/…` in the mail bucket) — before the complaints, whose erased
 *    timelines no longer name the files;
 * 5. write each complaint without personal data (eraseComplaint), conditional on its version;
 * 6. record who erased which customer id when, and how many items, files and emails, without any erased datum.
 * Counters, hourly rollups, CSAT facts and the KPI fields of complaints are not touched, so counts
 * and KPIs stay as they were. Repeating the request is harmless.
 */
export async function eraseCustomerData(customerId: string, actor: string, deps: EraseCustomerDataDeps): Promise<ErasureRecord> {
  const now = deps.clock.now();
  const [complaints, items] = await Promise.all([deps.customerData.complaintsOf(customerId), deps.customerData.personalItemsOf(customerId)]);
  const texts = [
    ...complaints.flatMap(erasableTexts),
    ...items.flatMap((i) => (i.kind === 'survey_link' && typeof i.fields.title === 'string' ? [i.fields.title] : [])),
  ];
  let incidents = 0;
  for (const category of new Set(complaints.map((c) => c.category))) {
    for (const incident of await deps.customerData.incidentsOf(category)) {
      const scrubbed = scrubIncident(incident, texts);
      if (!scrubbed) continue;
      await deps.customerData.replaceIncidentTexts(scrubbed);
      incidents += 1;
    }
  }
  await deps.customerData.deleteItems(items);
  let files = 0;
  let messages = 0;
  const mail = deps.mail;
  if (mail) {
    for (const complaint of complaints) {
      files += await mail.deleteUnder(`${MAIL_PREFIX.attachments}${complaint.id}/`);
      messages += await mail.deleteUnder(`${MAIL_PREFIX.messages}${complaint.id}/`);
    }
  }
  for (const complaint of complaints) await eraseOne(complaint, now, deps);
  const record: ErasureRecord = { customerId, erasedAt: now.toISOString(), erasedBy: actor, complaints: complaints.length, incidents, otherItems: items.length, files, messages };
  await deps.customerData.recordErasure(record);
  return record;
}

async function eraseOne(complaint: Complaint, now: Date, deps: EraseCustomerDataDeps): Promise<void> {
  let current: Complaint | undefined = complaint;
  for (let attempt = 0; attempt < 5 && current; attempt += 1) {
    const next = eraseComplaint(current, now);
    if (next === current) return;
    if (await deps.complaints.update(next, current.version)) return;
    // An agent or a sweep wrote meanwhile: erase their version.
    current = await deps.complaints.get(complaint.id);
  }
  if (current) throw new ErasureConflictError(`complaint ${complaint.id} kept changing during the erasure; repeat the request`);
}
