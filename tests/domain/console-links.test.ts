/** Where sign-in may lead back to: console pages on this origin, nothing else in any encoding. */
import { describe, expect, it } from 'vitest';
import { safeReturnPath } from '../../functions/domain/console-links.ts';

describe('safeReturnPath', () => {
  it.each([
    '/console/complaints/01KAXYZ0000000000000000000',
    '/console/inbox?department=logistics&overdue=1',
    '/console/inbox?overdue=1',
    '/console/sla?department=customer-service',
    '/console/alerts',
    '/console/reports?by=category',
    '/console/inbox?q=%E6%9D%AF%E5%AD%90',
    '/console/inbox?q=100%25',
  ])('keeps the console page %s', (path) => {
    expect(safeReturnPath(path)).toBe(path);
  });

  it.each([
    ['nothing', null],
    ['empty', ''],
    ['another host, scheme-relative', '//evil.example.com/console/inbox'],
    ['another host, backslash', '/\\evil.example.com'],
    ['another host, backslash after the prefix', '/console/\\\\evil.example.com'],
    ['another host, slash and backslash', '/\\/evil.example.com'],
    ['an absolute URL', 'https://evil.example.com/console/inbox'],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['a data: URL', 'data:text/html,<script>alert(1)</script>'],
    ['a relative path without the leading slash', 'console/inbox'],
    ['a page outside the console', '/local/outbox'],
    ['the console prefix without a separator', '/consoleevil'],
    ['a double slash after the prefix', '/console//evil.example.com'],
    ['an encoded slash', '/console/%2F%2Fevil.example.com'],
    ['an encoded backslash', '/console/%5Cevil.example.com'],
    ['a doubly encoded slash', '/console/%252F%252Fevil.example.com'],
    ['a dot segment', '/console/../local/outbox'],
    ['a segment starting with a dot', '/console/.well-known'],
    ['an encoded dot segment', '/console/%2e%2e/local/outbox'],
    ['a raw CR/LF', '/console/inbox\r\nSet-Cookie: x=1'],
    ['an encoded CR/LF in the query', '/console/inbox?q=%0D%0ASet-Cookie:%20x=1'],
    ['a doubly encoded CR/LF in the query', '/console/inbox?q=%250D%250A'],
    ['a tab', '/console/inbox\t'],
    ['a space', '/console/inbox ?x'],
    ['a quote (attribute break-out)', '/console/inbox?q="><script>'],
    ['a fragment', '/console/inbox#x'],
    ['non-ASCII', '/console/inbox?q=杯子'],
    ['malformed escapes', '/console/inbox?q=%E0%A4%A'],
    ['the sign-in page (a loop)', '/console/login?next=/console/inbox'],
    ['the hosted UI callback', '/console/callback?code=x'],
    ['sign-out', '/console/logout'],
    ['an overlong path', `/console/inbox?q=${'a'.repeat(2050)}`],
  ])('refuses %s', (_, path) => {
    expect(safeReturnPath(path)).toBeUndefined();
  });
});
