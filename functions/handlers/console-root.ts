import { pageHandler } from '../adapters/html.ts';

/**
 * The API root (`GET /`): sends people to the console inbox, which asks them to sign in when they
 * have no session. It reads nothing, so this function carries none of the console.
 */
export const handler = pageHandler(async () => ({ statusCode: 303, headers: { location: '/console/inbox', 'cache-control': 'no-store' } }));
