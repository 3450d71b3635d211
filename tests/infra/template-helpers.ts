import { App } from 'aws-cdk-lib';
import { VALIDATE_AGAINST_DEFAULT_RULES } from 'aws-cdk-lib/cx-api';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { expect } from 'vitest';
import { loadConfigFile } from '../../functions/adapters/config-file.ts';
import type { PipelineConfig } from '../../functions/domain/config.ts';
import { projectionOf, type IndexDefinition } from '../../functions/pipeline.ts';
import { buildApp, type BuildAppOptions } from '../../lib/app.ts';
import type { ComplaintPipelineStack } from '../../lib/complaint-pipeline-stack.ts';

/** The shipped default config, which the infra tests deploy. */
export const defaultConfig: PipelineConfig = loadConfigFile();

/** An in-process app and its one stack. */
export interface TestApp {
  readonly app: App;
  readonly stack: ComplaintPipelineStack;
}

/**
 * Options of an app built for a test. aws-cdk-lib's built-in CloudFormation validation (what `cdk
 * synth` runs: template checks in a WebAssembly engine, about 6 CPU-seconds to start in each process
 * and about one more per template) stays off unless asked for: the tests that ask for it validate the
 * default stack and the one with every optional resource, the rest assert on templates.
 */
export interface TestAppOptions extends BuildAppOptions {
  /** Run the built-in CloudFormation validation when the app synthesizes, as `cdk synth` does. */
  readonly validate?: boolean;
}

/** A fresh app with bundling skipped (the CLI refuses that context key, tests may use it). */
export function testApp(options: { readonly validate?: boolean } = {}): App {
  const validate = options.validate ?? false;
  return new App({
    // With the validation on, what it finds fails the synth (the key is in cdk.json too).
    context: { 'aws:cdk:bundling-stacks': [], ...(validate ? { [VALIDATE_AGAINST_DEFAULT_RULES]: true } : {}) },
    builtinCloudFormationValidation: validate,
  });
}

/**
 * Builds the app in-process with bundling skipped.
 * @param options as for `buildApp`; cdk-nag stays off unless asked for, so a template test fails on its own assertion
 */
export function buildTestApp(options: TestAppOptions = {}, config: PipelineConfig = defaultConfig): TestApp {
  const { validate, ...buildOptions } = options;
  const app = testApp({ validate });
  const stack = buildApp(app, config, { nag: false, ...buildOptions });
  return { app, stack };
}

/** Synthesizes the stack in-process (bundling skipped, cdk-nag off) and returns its template. */
export function synthTemplate(options: TestAppOptions = {}, config: PipelineConfig = defaultConfig): Template {
  return Template.fromStack(buildTestApp(options, config).stack);
}

type Resource = { Type: string; Properties?: Record<string, unknown> };

/**
 * The logical id of the one resource of `type` whose properties match `props`, looked up in the
 * template so tests never spell a hashed id.
 */
export function logicalIdOf(template: Template, type: string, props: Record<string, unknown>): string {
  const found = Object.keys(template.findResources(type, { Properties: Match.objectLike(props) }));
  expect(found, `exactly one ${type} matching ${JSON.stringify(props)}`).toHaveLength(1);
  return found[0] as string;
}

/** The logical id of the function with this description (descriptions come from pipeline.ts). */
export function functionIdOf(template: Template, description: string): string {
  return logicalIdOf(template, 'AWS::Lambda::Function', { Description: description });
}

/** An IAM policy statement as it appears in the template. */
export interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource?: unknown;
  /** Set instead of Resource on the SMS-to-phone grant (every resource except SNS ARNs). */
  readonly NotResource?: unknown;
  readonly Condition?: unknown;
}

/**
 * The one statement that lets a function text phone numbers: `sns:Publish` on every resource that is
 * not an SNS ARN (`NotResource`), so it cannot publish to topics.
 */
export const SMS_TO_PHONES_NOT_RESOURCE = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sns:*:*:*']] };

/** A statement's actions, always as a list. */
export function actionsOf(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

/** A statement's resources, always as a list. */
export function resourcesOf(statement: Statement): unknown[] {
  if (statement.Resource === undefined) return [];
  return Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
}

/** Every statement of every identity policy in the template. */
export function allStatements(template: Template): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy') as Record<string, Resource>).flatMap(
    (policy) => (policy.Properties?.PolicyDocument as { Statement: Statement[] }).Statement,
  );
}

/** The statements of the policies attached to a function's execution role. */
export function statementsOfFunction(template: Template, functionId: string): Statement[] {
  const fn = template.toJSON().Resources[functionId] as Resource;
  const roleId = ((fn.Properties?.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'])[0];
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: Match.arrayWith([{ Ref: roleId }]) },
  }) as Record<string, Resource>;
  return Object.values(policies).flatMap((p) => (p.Properties?.PolicyDocument as { Statement: Statement[] }).Statement);
}

/** True when any string inside a (possibly intrinsic) value contains `*`. */
export function hasWildcard(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('*');
  if (Array.isArray(value)) return value.some(hasWildcard);
  if (value && typeof value === 'object') return Object.values(value).some(hasWildcard);
  return false;
}

/**
 * Renders an `Fn::Join` of literals and `Ref`s to a string with each `Ref` as `ref:<logicalId>`,
 * e.g. to read the DEPARTMENT_TOPICS JSON the stack builds from topic ARNs.
 */
export function renderJoin(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join) return join[1].map(renderJoin).join(join[0]);
  const ref = (value as { Ref?: string }).Ref;
  if (ref) return `ref:${ref}`;
  throw new Error(`cannot render ${JSON.stringify(value)}`);
}

/** The CloudFormation `Projection` of an index as functions/pipeline.ts declares it. */
export function cfnProjection(index: IndexDefinition): Record<string, unknown> {
  const p = projectionOf(index);
  return { ProjectionType: p.type, ...(p.nonKeyAttributes && { NonKeyAttributes: [...p.nonKeyAttributes] }) };
}
