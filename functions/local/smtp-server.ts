import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';
import type { LocalMailStore } from '../adapters/local-mail-store.ts';
import type { InboundSettings } from '../domain/config.ts';
import { addressedTo, MAIL_PREFIX } from '../domain/inbound-mail.ts';
import type { SesReceiptEvent } from '../handlers/inbound-mail.ts';

export interface LocalSmtpOptions {
  readonly inbound: InboundSettings;
  /** 0 picks a free port. */
  readonly port: number;
  readonly store: LocalMailStore;
  /** The inbound-mail handler, given the same event SES would send. */
  readonly deliver: (event: SesReceiptEvent) => Promise<unknown>;
}

export interface LocalSmtp {
  readonly port: number;
  stop(): Promise<void>;
}

/** Thrown when the SMTP port is taken. */
export class SmtpPortInUseError extends Error {
  override readonly name = 'SmtpPortInUseError';
}

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

/**
 * The local stand-in for SES receiving: an SMTP server on 127.0.0.1 that accepts mail for the
 * complaints address and its reply addresses (others: 550), refuses messages over
 * `inbound.maxMessageBytes` (552), stores the raw message as SES's S3 action would
 * (`inbound/<id>`, with the Return-Path an MTA adds) and hands the inbound-mail handler the same
 * event. It answers 250 once the handler finished, 451 when it failed (the client retries).
 */
export async function startLocalSmtp(options: LocalSmtpOptions): Promise<LocalSmtp> {
  const server = new SMTPServer({
    name: 'complaint-pipeline.local',
    banner: 'complaint pipeline (local SES receiving)',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: options.inbound.maxMessageBytes,
    logger: false,
    onRcptTo(address, _session, callback) {
      if (addressedTo([address.address], options.inbound).kind === 'not_ours') {
        callback(smtpError(550, `5.1.1 <${address.address}>: no such mailbox here; send to ${options.inbound.address}`));
        return;
      }
      callback();
    },
    onData(stream: SMTPServerDataStream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (err: Error) => callback(err));
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          callback(smtpError(552, `5.3.4 message larger than ${options.inbound.maxMessageBytes} bytes`));
          return;
        }
        const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        const raw = Buffer.concat([Buffer.from(`Return-Path: <${mailFrom.replace(/[<>\r\n]/g, '')}>\r\n`), ...chunks]);
        const messageId = `local-${Date.now().toString(36)}-${randomBytes(8).toString('hex')}`;
        const recipients = session.envelope.rcptTo.map((r) => r.address);
        options.store
          .putRaw(`${MAIL_PREFIX.inbound}${messageId}`, raw)
          .then(() =>
            options.deliver({
              Records: [
                {
                  eventSource: 'aws:ses',
                  ses: { mail: { messageId }, receipt: { recipients, spamVerdict: { status: 'DISABLED' }, virusVerdict: { status: 'DISABLED' } } },
                },
              ],
            }),
          )
          .then(
            () => callback(null, `2.0.0 accepted as ${messageId}`),
            (err: unknown) => {
              console.error('[inboundMail] failed', err);
              callback(smtpError(451, '4.3.0 could not take the message in now; try again'));
            },
          );
      });
    },
  });
  await new Promise<void>((ok, fail) => {
    server.server.once('error', (err: NodeJS.ErrnoException) => {
      fail(err.code === 'EADDRINUSE' ? new SmtpPortInUseError(`SMTP port ${options.port} is in use; set SMTP_PORT to a free port (0 picks one)`) : err);
    });
    server.listen(options.port, '127.0.0.1', () => ok());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    stop: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
