import { describe, expect, it } from 'vitest';
import { canSeeCategory, canSeeDepartment, principalFromClaims, visibleCategories, visibleDepartments } from '../../functions/domain/access.ts';
import { defaultConfig } from '../fixtures/config.ts';

const SCOPE = 'complaint-api/agent';

describe('principalFromClaims', () => {
  it.each([
    ['admin group', { username: 'a', 'cognito:groups': ['admin'] }, { id: 'a', kind: 'user', admin: true, departments: [] }],
    ['two department groups', { username: 'b', 'cognito:groups': ['finance', 'logistics', 'unknown'] }, { id: 'b', kind: 'user', admin: false, departments: ['logistics', 'finance'] }],
    ['no known group', { username: 'c', 'cognito:groups': ['marketing'] }, undefined],
    ['machine with the agent scope', { client_id: 'm', scope: `openid ${SCOPE}` }, { id: 'm', kind: 'machine', admin: true, departments: [] }],
    ['machine without it', { client_id: 'm', scope: 'openid' }, undefined],
    ['groups that are not strings', { username: 'd', 'cognito:groups': [1, { x: 'admin' }] }, undefined],
  ])('%s', (_name, claims, expected) => {
    expect(principalFromClaims(claims, defaultConfig, SCOPE)).toEqual(expected);
  });
});

describe('what a department user sees', () => {
  const finance = { id: 'f', kind: 'user' as const, admin: false, departments: ['finance'] };
  it('sees its own department and its categories only', () => {
    expect(canSeeDepartment(finance, 'finance')).toBe(true);
    expect(canSeeDepartment(finance, 'logistics')).toBe(false);
    expect(visibleDepartments(finance, defaultConfig)).toEqual(['finance']);
    expect(visibleCategories(finance, defaultConfig).map((c) => c.id)).toEqual(['refund']);
    expect(canSeeCategory(finance, 'refund', defaultConfig)).toBe(true);
    expect(canSeeCategory(finance, 'logistics-delay', defaultConfig)).toBe(false);
    expect(canSeeCategory(finance, 'no-such-category', defaultConfig)).toBe(false);
  });
});
