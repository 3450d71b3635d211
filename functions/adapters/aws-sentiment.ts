/**
 * Side-effect import for the handlers whose function may ask Comprehend (`detectSentiment`): it hands the AWS runtime the Comprehend sentiment adapter, which the other functions' bundles
 * leave out (see `provideAdapter`).
 */
import { provideAdapter } from './aws-runtime.ts';

provideAdapter('sentiment', () => import('./comprehend-sentiment.ts'));
