/**
 * The SES adapter with inline images: a raw MIME message a mail client (here postal-mime) reads as
 * text, HTML and a `cid:` image, the HTML's `src` pointing at the image's Content-ID.
 */
import { SendEmailCommand, SendRawEmailCommand, SESClient } from '@aws-sdk/client-ses';
import { SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import PostalMime from 'postal-mime';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { AwsNotifier } from '../../functions/adapters/aws-notifier.ts';
import type { EmailMessage } from '../../functions/domain/messages.ts';

const ses = mockClient(SESClient);
afterAll(() => ses.restore());
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...Array.from({ length: 200 }, (_, i) => i % 256)]);

const digest: EmailMessage = {
  id: 'digest:2026-11-23:boss@example.com',
  kind: 'digest',
  channel: 'email',
  to: 'boss@example.com',
  subject: '【每周投诉简报】优选商城 2026年11月23日–29日',
  text: '核心指标\n- 收到投诉 | 4 | 6 | +2',
  html: '<!doctype html><html lang="zh-CN"><body><p>核心指标</p><img src="cid:digest-chart@complaint-pipeline" alt="柱状图"></body></html>',
  inlineImages: [{ contentId: 'digest-chart@complaint-pipeline', contentType: 'image/png', filename: 'complaints-per-category-zh-CN.png', base64: PNG.toString('base64') }],
};

describe('AwsNotifier email with inline images', () => {
  beforeEach(() => {
    ses.reset();
    ses.onAnyCommand().resolves({ MessageId: 'm-1' });
  });

  it('sends one raw MIME message: text, then HTML related to its image by Content-ID', async () => {
    const notifier = new AwsNotifier(new SESClient({}), new SNSClient({}), { email: 'noreply@youxuan-mall.example.com', name: '优选商城' }, {}, 'digest-set');
    await notifier.send(digest);

    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
    const [call] = ses.commandCalls(SendRawEmailCommand);
    expect(call!.args[0].input).toMatchObject({ Destinations: ['boss@example.com'], ConfigurationSetName: 'digest-set' });
    const raw = Buffer.from(call!.args[0].input.RawMessage!.Data!).toString('utf8');
    expect(raw).toMatch(/Content-Type: multipart\/alternative; boundary="[^"]+"/);
    expect(raw).toMatch(/Content-Type: multipart\/related; type="text\/html"; boundary="[^"]+"/);
    expect(raw).toContain('Content-ID: <digest-chart@complaint-pipeline>');
    expect(raw).toContain('Content-Disposition: inline; filename="complaints-per-category-zh-CN.png"');
    for (const line of raw.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);

    const parsed = await PostalMime.parse(raw);
    expect(parsed.subject).toBe(digest.subject);
    expect(parsed.text?.trim()).toBe(digest.text);
    expect(parsed.attachments).toHaveLength(1);
    const [image] = parsed.attachments;
    expect(image).toMatchObject({ mimeType: 'image/png', contentId: '<digest-chart@complaint-pipeline>', related: true });
    expect(Buffer.compare(Buffer.from(image!.content as ArrayBuffer), PNG)).toBe(0);
    // The HTML points at this image by its Content-ID.
    expect(parsed.html).toContain('src="cid:digest-chart@complaint-pipeline"');
  });

  it('keeps plain SendEmail for an email without images or extra headers', async () => {
    const notifier = new AwsNotifier(new SESClient({}), new SNSClient({}), { email: 'noreply@youxuan-mall.example.com', name: 'YouXuan' }, {});
    const { inlineImages: _none, ...plain } = digest;
    await notifier.send(plain);
    expect(ses.commandCalls(SendRawEmailCommand)).toHaveLength(0);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
  });
});
