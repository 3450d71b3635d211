/**
 * Who may see what. A person signs in with a user pool account whose groups decide their reach:
 * `admin` sees every department; a group named after a department id sees that department's
 * complaints, incidents, silences, overrides and reports. A machine client (OAuth client
 * credentials with the agent scope, or the local agent token) acts for the whole company.
 * Every read and write of the agent API and the console passes through these functions.
 */
import * as z from 'zod';
import type { Category, PipelineConfig } from './config.ts';

/** The group whose members see and act on everything. */
export const ADMIN_GROUP = 'admin';

export const PrincipalSchema = z.object({
  /** User name (people) or client id (machines); recorded as the actor of what they do. */
  id: z.string().min(1).max(128),
  kind: z.enum(['user', 'machine']),
  admin: z.boolean(),
  /** Departments a non-admin sees; ignored for admins. */
  departments: z.array(z.string()),
});
export type Principal = z.infer<typeof PrincipalSchema>;

/** The identity claims a verified token carries (Cognito access token shape). */
export interface TokenClaims {
  readonly username?: unknown;
  readonly sub?: unknown;
  readonly client_id?: unknown;
  readonly scope?: unknown;
  readonly 'cognito:groups'?: unknown;
}

/**
 * The principal behind verified claims. People carry `username` and their groups; a machine's
 * client-credentials token carries no user, only scopes, and must hold `agentScope`.
 * @returns undefined when the token grants nothing (no known group, or a machine without the scope)
 */
export function principalFromClaims(claims: TokenClaims, config: PipelineConfig, agentScope: string): Principal | undefined {
  const groups = Array.isArray(claims['cognito:groups']) ? claims['cognito:groups'].filter((g): g is string => typeof g === 'string') : [];
  if (typeof claims.username === 'string' && claims.username) {
    const admin = groups.includes(ADMIN_GROUP);
    const departments = config.departments.map((d) => d.id).filter((id) => groups.includes(id));
    if (!admin && departments.length === 0) return undefined;
    return { id: claims.username, kind: 'user', admin, departments: admin ? [] : departments };
  }
  const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ') : [];
  if (typeof claims.client_id === 'string' && scopes.includes(agentScope)) {
    return { id: claims.client_id, kind: 'machine', admin: true, departments: [] };
  }
  return undefined;
}

/** Whether the principal may see (and act on) what belongs to `department`. */
export function canSeeDepartment(principal: Principal, department: string): boolean {
  return principal.admin || principal.departments.includes(department);
}

/** The departments the principal sees, in config order. */
export function visibleDepartments(principal: Principal, config: PipelineConfig): string[] {
  return config.departments.map((d) => d.id).filter((id) => canSeeDepartment(principal, id));
}

/** The categories owned by departments the principal sees, in config order. */
export function visibleCategories(principal: Principal, config: PipelineConfig): Category[] {
  return config.categories.filter((c) => canSeeDepartment(principal, c.department));
}

/** Whether the principal sees the category (through its owning department); unknown categories are not seen. */
export function canSeeCategory(principal: Principal, category: string, config: PipelineConfig): boolean {
  const owner = config.categories.find((c) => c.id === category)?.department;
  return owner !== undefined && canSeeDepartment(principal, owner);
}
