import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EmailMessage } from '../../functions/domain/messages.ts';
import { Outbox, outboxHtml } from '../../functions/local/outbox.ts';
import { defaultConfig } from '../fixtures/config.ts';

const clock = { now: () => new Date('2026-11-30T01:00:00.000Z') };
const digest: EmailMessage = {
  id: 'digest:2026-11-23:boss@example.com',
  kind: 'digest',
  channel: 'email',
  to: 'boss@example.com',
  subject: 'Weekly complaints digest',
  text: 'figures',
  html: '<p><img src="cid:chart@x" alt="chart"> <img src="cid:missing@x" alt="gone"></p>',
  inlineImages: [{ contentId: 'chart@x', contentType: 'image/png', filename: 'chart.png', base64: 'iVBORw0KGgo=' }],
};

describe('outbox and inline images', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('records the images with the email, and keeps them across a restart (journal)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outbox-'));
    dirs.push(dir);
    const journal = join(dir, 'outbox.jsonl');
    await new Outbox(defaultConfig, clock, { journal }).send(digest);
    const [entry] = new Outbox(defaultConfig, clock, { journal }).entries();
    expect(entry).toMatchObject({ kind: 'digest', channel: 'email', to: 'boss@example.com', html: digest.html, inlineImages: digest.inlineImages });
  });

  it('shows the HTML with each known cid: image as data: (display only), unknown ones left alone', () => {
    expect(outboxHtml(digest)).toBe('<p><img src="data:image/png;base64,iVBORw0KGgo=" alt="chart"> <img src="cid:missing@x" alt="gone"></p>');
    expect(digest.html).toContain('cid:chart@x');
    expect(outboxHtml({ html: undefined })).toBeUndefined();
  });
});
