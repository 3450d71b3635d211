/**
 * Side-effect import for the handlers whose function publishes domain events (`publishEvents`): it hands the AWS runtime the EventBridge publisher, which the other functions' bundles
 * leave out (see `provideAdapter`).
 */
import { provideAdapter } from './aws-runtime.ts';

provideAdapter('events', () => import('./eventbridge-publisher.ts'));
