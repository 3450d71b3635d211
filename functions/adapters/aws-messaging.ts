/**
 * Side-effect import for the handlers whose function sends email or SMS (`sendEmail`, `publishSms`, `sendSmsToPhones`): it hands the AWS runtime the SES/SNS notifier, which the other functions' bundles
 * leave out (see `provideAdapter`).
 */
import { provideAdapter } from './aws-runtime.ts';

provideAdapter('notifier', () => import('./aws-notifier.ts'));
