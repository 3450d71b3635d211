import type { Complaint } from './complaint.ts';

/**
 * What the public intake route answers about a complaint. Anyone on the internet can call it, and a
 * repeated `externalId` answers with the complaint first stored under it, which someone else may
 * have sent: so the answer carries what the caller needs to tell the customer where things stand
 * (the id and short reference, status, routing and due times, whether the receipt was withheld) and
 * nothing the complaint holds about a person or about the company's assessment of it (contact
 * details, texts, timeline and notes, the classifier's scores, the escalation-risk mark). Agents read
 * the whole record with `GET /complaints/{id}`.
 */
export const PUBLIC_COMPLAINT_FIELDS = [
  'id',
  'ref',
  'status',
  'channel',
  'category',
  'department',
  'severity',
  'receivedAt',
  'firstResponseDueAt',
  'resolutionDueAt',
  'receiptWithheld',
] as const satisfies ReadonlyArray<keyof Complaint>;

export type PublicComplaint = Pick<Complaint, (typeof PUBLIC_COMPLAINT_FIELDS)[number]>;

/** The public view of a stored complaint: only `PUBLIC_COMPLAINT_FIELDS`, absent ones left out. */
export function publicComplaint(complaint: Complaint): PublicComplaint {
  const view: Record<string, unknown> = {};
  for (const field of PUBLIC_COMPLAINT_FIELDS) if (complaint[field] !== undefined) view[field] = complaint[field];
  return view as PublicComplaint;
}
