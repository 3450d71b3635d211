import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { PipelineConfig } from '../functions/domain/config.ts';
import { ComplaintPipelineStack, type ComplaintPipelineStackProps } from './complaint-pipeline-stack.ts';

/** The stack's construct id; CloudFormation derives every physical name from it. */
export const STACK_ID = 'ComplaintPipeline';

/** Options of {@link buildApp}. */
export interface BuildAppOptions extends Omit<ComplaintPipelineStackProps, 'config'> {
  /**
   * Run the cdk-nag AwsSolutions checks when the app synthesizes (a finding fails synth).
   * @default true
   */
  readonly nag?: boolean;
}

/**
 * Adds the one pipeline stack to an app, with cdk-nag checks. Used by `bin/app.ts` and by the
 * infrastructure tests, which build the app in-process.
 *
 * @param app the CDK app (or a test app)
 * @param config the validated pipeline config
 * @param options stack properties and whether to run cdk-nag
 * @returns the stack
 */
export function buildApp(app: App, config: PipelineConfig, options: BuildAppOptions = {}): ComplaintPipelineStack {
  const { nag = true, ...stackProps } = options;
  const stack = new ComplaintPipelineStack(app, STACK_ID, {
    description: 'Complaint intake, volume early warning and alerts to department heads.',
    ...stackProps,
    config,
  });
  if (nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stack;
}
