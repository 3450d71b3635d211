import { connect } from 'node:net';

/**
 * Sends one message over SMTP (no TLS, no auth: the local server) and resolves with the server's
 * reply codes, so a test can see a 550 for an unknown mailbox as well as the final 250.
 */
export async function sendSmtp(port: number, envelope: { from: string; to: string[] }, message: string): Promise<{ codes: number[]; last: string }> {
  const socket = connect(port, '127.0.0.1');
  socket.setEncoding('utf8');
  let buffer = '';
  const waiting: Array<(line: string) => void> = [];
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    let i: number;
    while ((i = buffer.indexOf('\r\n')) >= 0) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 2);
      // Multi-line replies ("250-…") end with a "250 …" line.
      if (/^\d{3} /.test(line) || /^\d{3}$/.test(line)) waiting.shift()?.(line);
    }
  });
  const reply = () => new Promise<string>((ok, fail) => {
    waiting.push(ok);
    socket.once('error', fail);
  });
  const command = async (text: string) => {
    const next = reply();
    socket.write(`${text}\r\n`);
    return next;
  };
  const codes: number[] = [];
  const code = (line: string) => {
    codes.push(Number(line.slice(0, 3)));
    return line;
  };
  code(await reply());
  code(await command('EHLO test.local'));
  code(await command(`MAIL FROM:<${envelope.from}>`));
  let accepted = 0;
  for (const to of envelope.to) if (code(await command(`RCPT TO:<${to}>`)).startsWith('250')) accepted += 1;
  let last = '';
  if (accepted > 0) {
    code(await command('DATA'));
    const body = message.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..');
    last = code(await command(`${body}\r\n.`));
  }
  code(await command('QUIT'));
  socket.end();
  return { codes, last };
}

/** One file attached to {@link emailWithFile}'s message: its headers' values and its bytes (sent as base64) or text (sent as is). */
export interface AttachedFile {
  readonly contentType: string;
  /** The `Content-Disposition` value (`attachment; filename="a.png"`, or an RFC 2231 name). */
  readonly disposition: string;
  readonly content: Buffer | string;
}

/**
 * A customer's email (CRLF lines) with a plain-text body and one attached file, as a mail client
 * sends it: `multipart/mixed`, the file base64 in 76-character lines when it is bytes.
 */
export function emailWithFile(headers: { from: string; to: string; subject: string; messageId: string }, text: string, file: AttachedFile): string {
  const bytes = typeof file.content !== 'string';
  return [
    `From: ${headers.from}`,
    `To: ${headers.to}`,
    `Subject: ${headers.subject}`,
    `Message-ID: ${headers.messageId}`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b"',
    '',
    '--b',
    'Content-Type: text/plain; charset=UTF-8',
    '',
    text,
    '--b',
    `Content-Type: ${file.contentType}`,
    `Content-Disposition: ${file.disposition}`,
    ...(bytes ? ['Content-Transfer-Encoding: base64'] : []),
    '',
    bytes ? (file.content as Buffer).toString('base64').replace(/.{76}/g, '$&\r\n') : (file.content as string),
    '--b--',
    '',
  ].join('\r\n');
}
