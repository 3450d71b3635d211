/**
 * Silences: an agent mutes a category's alerts for a planned period (a migration, a known outage).
 * Breaches during a silence open no incident and send nothing; they are counted on the silence
 * (how many, the last count and when), which `GET /silences` shows.
 */
import * as z from 'zod';

export const SilenceInputSchema = z
  .strictObject({
    category: z.string().min(1).max(48),
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
    reason: z.string().trim().min(1).max(500),
    /** Who set it (agent id); recorded. */
    actor: z.string().min(1).max(100).optional(),
  })
  // Only when both times parsed (zod runs refinements even after a field failed).
  .refine((s) => !bothTimes(s) || Date.parse(s.to) > Date.parse(s.from), { message: 'must be after from', path: ['to'] })
  .refine((s) => !bothTimes(s) || Date.parse(s.to) - Date.parse(s.from) <= 31 * 86_400_000, { message: 'a silence lasts at most 31 days', path: ['to'] });

function bothTimes(s: { from: unknown; to: unknown }): boolean {
  return typeof s.from === 'string' && typeof s.to === 'string' && !Number.isNaN(Date.parse(s.from)) && !Number.isNaN(Date.parse(s.to));
}
export type SilenceInput = z.infer<typeof SilenceInputSchema>;

/**
 * The input schema checked against what only the running system knows: the configured categories
 * and the current time. Every problem comes back in one answer (an unknown category together with
 * a bad time), and a silence that has already ended is refused, since it could silence nothing.
 */
export function silenceInputSchemaFor(categoryIds: readonly string[], now: Date) {
  return SilenceInputSchema.superRefine((s, ctx) => {
    if (typeof s.category === 'string' && s.category !== '' && !categoryIds.includes(s.category)) {
      ctx.addIssue({ code: 'custom', path: ['category'], message: `unknown category '${s.category}'; known: ${categoryIds.join(', ')}` });
    }
    if (typeof s.to === 'string' && !Number.isNaN(Date.parse(s.to)) && Date.parse(s.to) <= now.getTime()) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: `the silence would end before now (${now.toISOString()}): it would silence nothing` });
    }
  });
}

export const SilenceSchema = z.object({
  id: z.string(),
  category: z.string(),
  /** UTC ISO instants. */
  from: z.string(),
  to: z.string(),
  reason: z.string(),
  createdAt: z.string(),
  createdBy: z.string().optional(),
  /** Breaches seen (at most one counted per minute) while it was in force. */
  suppressedBreaches: z.number().int().default(0),
  lastSuppressedAt: z.string().optional(),
  lastSuppressedCount: z.number().int().optional(),
  /** Set when an agent ended it early (`DELETE /silences/{id}`); `to` then holds the new end. */
  endedAt: z.string().optional(),
  endedBy: z.string().optional(),
});
export type Silence = z.infer<typeof SilenceSchema>;

/** Why a silence cannot be ended early. */
export type EndSilenceRefusal = 'already_ended';

/**
 * Ends a silence early, at `now`: alerts flow again from then on. A silence that has not started
 * yet is cancelled (it ends where it would have begun, so it is never in force).
 */
export function endSilenceEarly(silence: Silence, now: Date, actor: string | undefined): { ok: true; silence: Silence } | { ok: false; reason: EndSilenceRefusal } {
  // A cancelled silence that had not started keeps an end in the future (its start): it is ended all the same.
  if (silence.endedAt !== undefined || Date.parse(silence.to) <= now.getTime()) return { ok: false, reason: 'already_ended' };
  const end = Math.max(Date.parse(silence.from), now.getTime());
  return {
    ok: true,
    silence: { ...silence, to: new Date(end).toISOString(), endedAt: now.toISOString(), ...(actor !== undefined && { endedBy: actor }) },
  };
}

export function newSilence(input: SilenceInput, id: string, now: Date): Silence {
  return {
    id,
    category: input.category,
    from: new Date(input.from).toISOString(),
    to: new Date(input.to).toISOString(),
    reason: input.reason,
    createdAt: now.toISOString(),
    ...(input.actor !== undefined && { createdBy: input.actor }),
    suppressedBreaches: 0,
  };
}

/** In force at `now`: `[from, to)`. */
export function isSilenceActive(silence: Pick<Silence, 'from' | 'to'>, now: Date): boolean {
  const t = now.getTime();
  return Date.parse(silence.from) <= t && t < Date.parse(silence.to);
}

/** A sustained breach is noted on the silence at most once a minute. */
export function shouldNoteSuppressed(silence: Pick<Silence, 'lastSuppressedAt'>, now: Date): boolean {
  return silence.lastSuppressedAt?.slice(0, 16) !== now.toISOString().slice(0, 16);
}
