/**
 * Side-effect import for the handlers whose function signs or checks unsubscribe links (`linkKeys`):
 * it hands the AWS runtime the Secrets Manager reader, which the other functions' bundles leave out
 * (see `provideAdapter`).
 */
import { provideAdapter } from './aws-runtime.ts';

provideAdapter('linkKeys', () => import('./secrets-link-keys.ts'));
