import { vi } from 'vitest';
import { logger } from '../../functions/adapters/observability.ts';

/** One structured log line the Powertools Logger wrote. */
export type LogLine = Readonly<Record<string, unknown>> & { readonly level: string; readonly message: string };

/**
 * Runs `run` with the shared logger at `level` (as `POWERTOOLS_LOG_LEVEL` would set it when
 * deployed) and returns the structured log lines it wrote to stdout or stderr; EMF lines are left
 * out. The suite's own level is restored afterwards.
 */
export async function captureLogLines(level: 'DEBUG' | 'INFO', run: () => Promise<unknown>): Promise<LogLine[]> {
  const lines: LogLine[] = [];
  const before = logger.getLevelName();
  const capture = (stream: NodeJS.WriteStream) => {
    const write = stream.write.bind(stream);
    return vi.spyOn(stream, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      const parsed = text
        .split('\n')
        .filter((l) => l.trim().startsWith('{') && !l.includes('"_aws"'))
        .map((l) => JSON.parse(l) as LogLine);
      if (!parsed.length) return write(chunk as string, ...(rest as []));
      lines.push(...parsed);
      return true;
    }) as typeof stream.write);
  };
  const spies = [capture(process.stdout), capture(process.stderr)];
  logger.setLogLevel(level);
  try {
    await run();
  } finally {
    logger.setLogLevel(before);
    for (const spy of spies) spy.mockRestore();
  }
  return lines;
}
