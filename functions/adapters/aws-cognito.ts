/**
 * Side-effect import for the handlers that verify Cognito tokens (the API authorizer and the
 * console): it hands the AWS runtime the verifier, which the other functions' bundles leave out.
 */
import { provideAdapter } from './aws-runtime.ts';

provideAdapter('cognito', () => import('./cognito-authenticator.ts'));
