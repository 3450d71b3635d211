/**
 * Side-effect import for the handler whose function reads the inbound mail bucket (`mailBucket`): it hands the AWS runtime the S3 mail store, which the other functions' bundles
 * leave out (see `provideAdapter`).
 */
import { provideAdapter } from './aws-runtime.ts';

provideAdapter('mail', () => import('./s3-mail-store.ts'));
