/**
 * Side-effect import for the handler that hands out download links to the mail bucket (the console's
 * attachment function): it gives the S3 mail store the presigner, which the other functions that
 * read or write the bucket leave out of their bundles (see `provideAdapter`).
 */
import { provideAdapter } from './aws-runtime.ts';

provideAdapter('presign', () => import('./s3-presign.ts'));
