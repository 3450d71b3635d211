import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';
import type { LocalMailStore } from '../adapters/local-mail-store.ts';
import type { InboundSettings } from '../domain/config.ts';
import { addressedTo, MAIL_PREFIX, VerdictSchema, type Verdict } from '../domain/inbound-mail.ts';
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
  constructor(readonly port: number) {
    super(`SMTP port ${port} is already in use: set SMTP_PORT to a free port (for example SMTP_PORT=${port + 1} npm start), or SMTP_PORT=0 for any free port`);
  }
}

/** The verdicts SES would put in the receipt, as the local server reports them. */
export type LocalVerdicts = Record<'spam' | 'virus' | 'spf' | 'dkim' | 'dmarc', Verdict>;

/** Nothing scans locally; every sender counts as authenticated, so threading by References works as for a real customer. */
const LOCAL_VERDICTS: LocalVerdicts = { spam: 'DISABLED', virus: 'DISABLED', spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' };

/**
 * The verdicts for one message: the local defaults, overridden by a `X-Local-Verdicts` header in the
 * message's header block (`X-Local-Verdicts: dmarc=FAIL spf=FAIL`, names spam, virus, spf, dkim,
 * dmarc; values as SES writes them), so a test or a person can try forged mail, spam or a virus
 * through the same event SES sends. Only this local server reads the header.
 */
export function localVerdicts(raw: Uint8Array): LocalVerdicts {
  const text = Buffer.from(raw.subarray(0, 64 * 1024)).toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const header = /^x-local-verdicts:[ \t]*(.*(?:\r?\n[ \t].*)*)/im.exec(end < 0 ? text : text.slice(0, end));
  const verdicts = { ...LOCAL_VERDICTS };
  for (const [, name, value] of (header?.[1] ?? '').matchAll(/\b(spam|virus|spf|dkim|dmarc)\s*=\s*([A-Za-z_]+)/gi)) {
    const parsed = VerdictSchema.safeParse(value!.toUpperCase());
    if (parsed.success) verdicts[name!.toLowerCase() as keyof LocalVerdicts] = parsed.data;
  }
  return verdicts;
}

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

/**
 * The local stand-in for SES receiving: an SMTP server on 127.0.0.1 that accepts mail for the
 * complaints address and its reply addresses (others: 550), refuses messages over
 * `inbound.maxMessageBytes` (552), stores the raw message as SES's S3 action would
 * (`inbound/<id>`, with the Return-Path an MTA adds) and hands the inbound-mail handler the same
 * event, with the verdicts of {@link localVerdicts} (every sender authenticated unless the message
 * says otherwise). It answers 250 once the handler finished, 451 when it failed (the client retries).
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
        const v = localVerdicts(raw);
        const status = (verdict: Verdict) => ({ status: verdict });
        options.store
          .putRaw(`${MAIL_PREFIX.inbound}${messageId}`, raw)
          .then(() =>
            options.deliver({
              Records: [
                {
                  eventSource: 'aws:ses',
                  ses: {
                    mail: { messageId },
                    receipt: {
                      recipients,
                      spamVerdict: status(v.spam),
                      virusVerdict: status(v.virus),
                      spfVerdict: status(v.spf),
                      dkimVerdict: status(v.dkim),
                      dmarcVerdict: status(v.dmarc),
                    },
                  },
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
    // smtp-server re-emits its net server's errors, and each connection's, on the SMTPServer itself:
    // without a listener there a port in use (or a client's reset connection) is an unhandled 'error'.
    let listening = false;
    server.on('error', (err: NodeJS.ErrnoException) => {
      if (listening) console.error(`[smtp] ${err.message}`);
      else fail(err.code === 'EADDRINUSE' ? new SmtpPortInUseError(options.port) : err);
    });
    server.listen(options.port, '127.0.0.1', () => {
      listening = true;
      ok();
    });
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    stop: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
