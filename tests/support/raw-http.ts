import { connect } from 'node:net';

/**
 * Sends one HTTP/1.1 request byte for byte (fetch and node:http normalise the target and the Host
 * header, so they cannot send what an attacker sends) and resolves with the status code.
 * @param port the server's port on 127.0.0.1
 * @param lines the request line and headers, without the blank line that ends them
 * @param body optional body (a Content-Length header is added)
 */
export function rawRequest(port: number, lines: readonly string[], body = ''): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      received += chunk;
      const status = /^HTTP\/1\.1 (\d{3})/.exec(received);
      if (status) {
        socket.destroy();
        resolve(Number(status[1]));
      }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`connection closed without a status line: ${JSON.stringify(received.slice(0, 200))}`)));
    const bytes = Buffer.byteLength(body, 'utf8');
    socket.write([...lines, `content-length: ${bytes}`, 'connection: close', '', body].join('\r\n'), 'utf8');
  });
}
