/**
 * Labelled history for `npm run train`, from the pipeline's own complaints: the text a customer
 * wrote and the category the complaint ended in, which is an agent's correction when one moved it
 * (`recategorize`). Intake's own decision stays beside it, so a team can see what the keywords or
 * the model got wrong before retraining.
 */
import type { Complaint } from './complaint.ts';
import { csvField } from './csv.ts';

export const TRAINING_COLUMNS = ['id', 'received_at', 'title', 'description', 'category', 'intake_category', 'intake_method', 'corrected_by'] as const;

/** One complaint as a training row; undefined for one that has no text left (erased). */
export interface TrainingRow {
  readonly id: string;
  readonly receivedAt: string;
  readonly title: string;
  readonly description: string;
  /** Where the complaint ended: the label to learn. */
  readonly category: string;
  /** What intake decided, before any agent moved it. */
  readonly intakeCategory: string;
  /** How intake decided (`explicit`, `model`, `keywords`, `fallback`); empty for complaints stored before it was recorded. */
  readonly intakeMethod: string;
  /** The agent who moved it last; empty when nobody did. */
  readonly correctedBy: string;
}

/** The training row of a complaint: undefined once its texts are erased. */
export function trainingRow(c: Complaint): TrainingRow | undefined {
  if (c.erasedAt) return undefined;
  const moves = c.timeline.filter((e) => e.recategorized);
  return {
    id: c.id,
    receivedAt: c.receivedAt,
    title: c.title ?? '',
    description: c.description,
    category: c.category,
    intakeCategory: moves[0]?.recategorized?.from.category ?? c.category,
    intakeMethod: c.classification?.method ?? '',
    correctedBy: moves.at(-1)?.actor ?? '',
  };
}

/** The CSV `npm run train` reads (`--text-column title --text-column description --label-column category`). */
export function trainingCsv(rows: readonly TrainingRow[]): string {
  const lines = [TRAINING_COLUMNS.join(',')];
  for (const r of rows) lines.push([r.id, r.receivedAt, r.title, r.description, r.category, r.intakeCategory, r.intakeMethod, r.correctedBy].map(csvField).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
