/** Where progress goes and how time is read: injected so tests need neither a terminal nor real time. */
export interface ProgressSink {
  /** A terminal redraws one line in place; anything else (a pipe, a file, CI logs) gets plain lines. */
  readonly tty: boolean;
  readonly write: (text: string) => void;
  /** Epoch milliseconds. */
  readonly now: () => number;
}

export interface Progress {
  update(done: number): void;
  /** Ends the bar's line, or prints the final plain line. */
  done(): void;
}

/**
 * Progress of a long run over `total` items. On a terminal: a bar redrawn in place whenever the
 * percentage changes. Otherwise: one plain line at most every `intervalMs` (and a last one when
 * done), so piped output and logs show the run moving without a carriage-return mess.
 * @param intervalMs least time between plain lines (default 2 s)
 */
export function createProgress(total: number, label: string, sink: ProgressSink, intervalMs = 2_000): Progress {
  const pct = (done: number) => (total ? Math.floor((done / total) * 100) : 100);
  const count = (done: number) => `${done.toLocaleString('en')}/${total.toLocaleString('en')} rows`;
  const started = sink.now();
  if (sink.tty) {
    let lastDrawn = -1;
    return {
      update: (done) => {
        const p = pct(done);
        if (p === lastDrawn) return;
        lastDrawn = p;
        const width = 30;
        const filled = Math.round((p / 100) * width);
        sink.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(p).padStart(3)}% ${count(done)}`);
      },
      done: () => sink.write('\n'),
    };
  }
  let lastLineAt = started;
  let last = 0;
  const line = (done: number, note = '') => {
    const seconds = ((sink.now() - started) / 1000).toFixed(1);
    sink.write(`${label.trim()}: ${pct(done)}% ${count(done)} (${seconds} s)${note}\n`);
  };
  return {
    update: (done) => {
      last = done;
      if (sink.now() - lastLineAt < intervalMs) return;
      lastLineAt = sink.now();
      line(done);
    },
    done: () => line(last, ' done'),
  };
}
