import './env-defaults.ts';
import * as z from 'zod';
import { loadClassifierModel } from '../adapters/classifier-model.ts';
import { loadConfigFile } from '../adapters/config-file.ts';
import { ConfigError, type PipelineConfig } from '../domain/config.ts';
import { holidayScheduleWarnings } from '../domain/holiday-schedules.ts';
import type { TextModel } from '../domain/text-model.ts';

/** Printed at start-up when AGENT_TOKEN is not set; fine on a laptop, never used in AWS (IAM there). */
const DEFAULT_AGENT_TOKEN = 'local-agent-token';
/**
 * `LOCAL_CLOCK_START`: where the simulated clock starts (an ISO 8601 instant with its offset), so a
 * walk that needs a given weekday and time starts there instead of firing days of schedules to get
 * there. Unset: the real time.
 */
const ClockStartSchema = z.iso.datetime({ offset: true }).transform((s) => new Date(s)).optional();

/** DynamoDB's table names: these characters, at most 255 of them. */
const TABLE_NAME_CHARS = /^[a-zA-Z0-9_.-]+$/;
const MAX_TABLE_NAME = 255;

/** Where the local SMTP server listens for inbound mail unless SMTP_PORT says otherwise. */
const DEFAULT_SMTP_PORT = 2525;

async function main(): Promise<void> {
  let config: PipelineConfig;
  let textModel: TextModel | undefined;
  try {
    config = loadConfigFile(process.env.PIPELINE_CONFIG || undefined);
    textModel = loadClassifierModel(config, process.env.PIPELINE_CONFIG || undefined);
    for (const warning of holidayScheduleWarnings(config.departments, new Date())) console.warn(`Warning: ${warning}`);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const port = process.env.PORT ? Number(process.env.PORT) : 3000;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`PORT must be a port number, got '${process.env.PORT}'`);
    process.exit(1);
  }
  const smtpPort = process.env.SMTP_PORT ? Number(process.env.SMTP_PORT) : DEFAULT_SMTP_PORT;
  if (!Number.isInteger(smtpPort) || smtpPort < 0 || smtpPort > 65535) {
    console.error(`SMTP_PORT must be a port number, got '${process.env.SMTP_PORT}'`);
    process.exit(1);
  }
  if (process.env.DYNAMODB_ENDPOINT && process.env.DYNAMODB_PERSIST_DIR) {
    console.error('DYNAMODB_ENDPOINT and DYNAMODB_PERSIST_DIR exclude each other: the data folder belongs to a DynamoDB Local that npm start runs itself');
    process.exit(1);
  }
  const endpoint = process.env.DYNAMODB_ENDPOINT || undefined;
  if (endpoint !== undefined && (!URL.canParse(endpoint) || !/^https?:\/\/[^/]+/.test(endpoint))) {
    console.error(`DYNAMODB_ENDPOINT must be the URL of a running DynamoDB Local such as http://127.0.0.1:8000, got '${endpoint}'`);
    process.exit(1);
  }
  const tablePrefix = process.env.DYNAMODB_TABLE_PREFIX || undefined;
  if (tablePrefix !== undefined && (!TABLE_NAME_CHARS.test(tablePrefix) || `${tablePrefix}-complaints`.length > MAX_TABLE_NAME)) {
    console.error(
      `DYNAMODB_TABLE_PREFIX may hold only letters, digits, '_', '-' and '.', at most ${MAX_TABLE_NAME - '-complaints'.length} of them (table names are <prefix>-complaints and <prefix>-state), got '${tablePrefix}'`,
    );
    process.exit(1);
  }
  const clockStart = ClockStartSchema.safeParse(process.env.LOCAL_CLOCK_START || undefined);
  if (!clockStart.success) {
    console.error(`LOCAL_CLOCK_START must be an ISO 8601 instant such as 2026-11-20T20:00:00+08:00, got '${process.env.LOCAL_CLOCK_START}'`);
    process.exit(1);
  }
  const idleRuns = process.env.LOCAL_IDLE_RUNS || 'skip';
  if (idleRuns !== 'skip' && idleRuns !== 'invoke') {
    console.error(`LOCAL_IDLE_RUNS must be 'skip' (the default: scheduled runs with nothing due are skipped) or 'invoke' (every run, as EventBridge does), got '${idleRuns}'`);
    process.exit(1);
  }
  const agentToken = process.env.AGENT_TOKEN || DEFAULT_AGENT_TOKEN;
  // Loaded once the settings above are known to be good (the AWS SDK, the handlers and the local
  // runtime take most of a start's half second), so a wrong one is reported at once.
  const { PortInUseError, startLocalPipeline } = await import('./local-pipeline.ts');
  let pipeline;
  try {
    pipeline = await startLocalPipeline({
      config,
      port,
      agentToken,
      smtpPort,
      ...(clockStart.data && { startTime: clockStart.data }),
      ...(textModel && { textModel }),
      ...(process.env.DYNAMODB_PERSIST_DIR && { persistDir: process.env.DYNAMODB_PERSIST_DIR }),
      ...(endpoint && { dynamoDbEndpoint: endpoint }),
      ...(tablePrefix && { tablePrefix }),
      skipIdleRuns: idleRuns === 'skip',
      // One line per alert incident change and message sent, so whoever watches sees the pipeline work.
      activityLog: (line) => console.log(line),
    });
  } catch (err) {
    if (err instanceof PortInUseError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const lines = [
    `Complaint pipeline running locally at ${pipeline.url}`,
    `  company:      ${config.company.name} (${config.categories.length} categories, ${config.departments.length} departments)`,
    `  intake:       POST ${pipeline.url}/complaints`,
    ...(textModel && config.classifier
      ? [`  classifier:   ${textModel.algorithm}, ${textModel.labels.length} labels, used at confidence ≥ ${config.classifier.minConfidence}`]
      : []),
    `  outbox:       GET  ${pipeline.url}/local/outbox   (every email and SMS SES/SNS would send)`,
    `  volume:       GET  ${pipeline.url}/local/volume   (window counts against effective thresholds)`,
    `  clock:        POST ${pipeline.url}/local/clock    ({"advanceBy":"PT1H"}); now ${pipeline.clock.now().toISOString()}`,
    `  dynamodb:     ${pipeline.dynamoDb.endpoint}   (${process.env.DYNAMODB_ENDPOINT ? 'already running; ' : ''}tables ${Object.values(pipeline.dynamoDb.tables).join(', ')})`,
    ...(process.env.DYNAMODB_PERSIST_DIR ? [`  data:         ${process.env.DYNAMODB_PERSIST_DIR} (tables, stream checkpoints, outbox and link keys survive a restart)`] : []),
    ...(pipeline.smtpPort !== undefined && config.inbound
      ? [`  email in:     smtp://127.0.0.1:${pipeline.smtpPort}   (mail to ${config.inbound.address} or a reply address; SMTP_PORT)`]
      : []),
    `  agent token:  ${agentToken}${process.env.AGENT_TOKEN ? '' : '  (default; set AGENT_TOKEN to choose one)'}`,
    'Press Ctrl+C to stop.',
  ];
  console.log(lines.join('\n'));

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    console.log('Stopping…');
    await pipeline.stop();
    process.exit(0);
  };
  // `kill`, a closed terminal and Ctrl+C all stop cleanly: the JVM ends and the persist folder's lock is released.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void shutdown());
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
