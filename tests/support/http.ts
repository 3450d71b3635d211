/** A tiny JSON client for the local pipeline in end-to-end tests. */
export function client(baseUrl: () => string, token?: string) {
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(baseUrl() + path, {
      method,
      headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }), ...headers },
      ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    let parsed: any;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    return { status: res.status, body: parsed };
  };
  return {
    call,
    /** Lets the stream pollers finish everything written so far (the clock endpoint waits for them). */
    settle: () => call('POST', '/local/clock', { advanceBy: 'PT0S' }),
    advance: (duration: string) => call('POST', '/local/clock', { advanceBy: duration }),
    outbox: async () => (await call('GET', '/local/outbox')).body as Array<Record<string, any>>,
  };
}
