import { describe, expect, it } from 'vitest';
import { mailboxOf, recipientKey } from '../../functions/domain/mailbox.ts';

describe('mailboxOf (one key per inbox)', () => {
  it.each([
    ['case and surrounding space', ' Chen@Example.com ', 'chen@example.com'],
    ['a +tag on any domain', 'victim+0@example.com', 'victim@example.com'],
    ['everything after the first +', 'victim+a+b@example.com', 'victim@example.com'],
    ['a +tag in capitals', 'Victim+News@Example.COM', 'victim@example.com'],
    ['dots elsewhere stay', 'v.i.c.t.i.m@example.com', 'v.i.c.t.i.m@example.com'],
    ['Gmail ignores dots', 'v.i.c.t.i.m@gmail.com', 'victim@gmail.com'],
    ['Gmail dots and a tag', 'Vi.Ctim+x@GMail.com', 'victim@gmail.com'],
    ['googlemail.com is gmail.com', 'vic.tim@googlemail.com', 'victim@gmail.com'],
    ['a Gmail lookalike keeps its dots', 'v.ictim@gmail.com.example', 'v.ictim@gmail.com.example'],
    ['a subdomain of gmail.com keeps its dots', 'v.ictim@mail.gmail.com', 'v.ictim@mail.gmail.com'],
    ['a local part that is only a tag is kept', '+x@example.com', '+x@example.com'],
    ['a local part that is only dots is kept', '..@gmail.com', '..@gmail.com'],
    ['no @ at all', 'Not-An-Address', 'not-an-address'],
  ])('%s: %s -> %s', (_name, address, mailbox) => {
    expect(mailboxOf(address)).toBe(mailbox);
  });

  it('counts the audit\'s twelve spellings as two inboxes', () => {
    const spellings = [...Array.from({ length: 8 }, (_, i) => `victim+${i}@example.com`), 'v.i.c.t.i.m@gmail.com', 'vi.ctim@gmail.com', 'victim@gmail.com', 'victim@googlemail.com'];
    expect(new Set(spellings.map(mailboxOf))).toEqual(new Set(['victim@example.com', 'victim@gmail.com']));
  });
});

describe('recipientKey', () => {
  it.each([
    ['an address as its inbox', { channel: 'email', to: 'Victim+1@Example.com' }, 'email:victim@example.com'],
    ['a number as given, trimmed', { channel: 'sms', to: ' +8613900000000' }, 'sms:+8613900000000'],
  ] as const)('%s', (_name, recipient, key) => {
    expect(recipientKey(recipient)).toBe(key);
  });

  it('keeps channels apart', () => {
    expect(recipientKey({ channel: 'sms', to: '+8613900000000' })).not.toBe(recipientKey({ channel: 'email', to: '+8613900000000' }));
  });
});
