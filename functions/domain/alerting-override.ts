/**
 * Run-time alerting overrides: `PUT /categories/{id}/alerting` stores a category's threshold and/or
 * detector in the state table, with who and when. The volume monitor and the alert evaluator apply
 * it over the deployed config on their next read (cached per container for at most 30 seconds), so
 * a change needs no redeploy. Fields not given keep the config's values.
 */
import * as z from 'zod';
import type { Category } from './config.ts';

export const AlertingOverrideInputSchema = z
  .strictObject({
    threshold: z
      .strictObject({
        count: z.number().int().min(1).max(1_000_000),
        windowMinutes: z.number().int().min(1).max(1440),
      })
      .optional(),
    detector: z.enum(['static', 'adaptive', 'both']).optional(),
    /** Who makes the change (agent id); recorded with the time. */
    actor: z.string().trim().min(1).max(100),
  })
  .refine((o) => o.threshold !== undefined || o.detector !== undefined, { message: 'give threshold and/or detector', path: ['threshold'] });
export type AlertingOverrideInput = z.infer<typeof AlertingOverrideInputSchema>;

export const AlertingOverrideSchema = z.object({
  category: z.string(),
  threshold: z.object({ count: z.number().int(), windowMinutes: z.number().int() }).optional(),
  detector: z.enum(['static', 'adaptive', 'both']).optional(),
  updatedBy: z.string(),
  updatedAt: z.string(),
});
export type AlertingOverride = z.infer<typeof AlertingOverrideSchema>;

export function newOverride(category: string, input: AlertingOverrideInput, now: Date): AlertingOverride {
  return {
    category,
    ...(input.threshold && { threshold: { ...input.threshold } }),
    ...(input.detector && { detector: input.detector }),
    updatedBy: input.actor,
    updatedAt: now.toISOString(),
  };
}

/** The category as the detectors see it: the config's, with the override's fields on top. */
export function applyOverride(category: Category, override: AlertingOverride | undefined): Category {
  if (!override || override.category !== category.id) return category;
  return {
    ...category,
    ...(override.threshold && { threshold: { ...override.threshold } }),
    ...(override.detector && { detector: override.detector }),
  };
}

/**
 * What `GET /categories/{id}/alerting` shows: the deployed settings, the run-time override (with who
 * and when) if any, and the settings in force.
 */
export function alertingView(category: Category, override: AlertingOverride | undefined) {
  const effective = applyOverride(category, override);
  return {
    category: category.id,
    deployed: { threshold: { ...category.threshold }, detector: category.detector ?? 'static' },
    override: override ?? null,
    effective: { threshold: { ...effective.threshold }, detector: effective.detector ?? 'static' },
  };
}
