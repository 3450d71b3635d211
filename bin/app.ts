import { resolve } from 'node:path';
import { App } from 'aws-cdk-lib';
import { loadClassifierModel } from '../functions/adapters/classifier-model.ts';
import { loadConfigFile } from '../functions/adapters/config-file.ts';
import { ConfigError } from '../functions/domain/config.ts';
import { holidayScheduleWarnings } from '../functions/domain/holiday-schedules.ts';
import { functions, tables } from '../functions/pipeline.ts';
import { applyIndexUpgradeStep, IndexUpgradeError, parseIndexList } from '../lib/index-upgrade.ts';

/** Prints a config or context error and exits; any other error keeps its stack trace. */
function exitOnConfigError(err: unknown): never {
  if (!(err instanceof ConfigError) && !(err instanceof IndexUpgradeError)) throw err;
  // The message already names the file and every failing key path; a stack trace adds nothing.
  console.error(err.message);
  process.exit(1);
}

const app = new App();
const configPath: unknown = app.node.tryGetContext('config');
const sesSandbox: unknown = app.node.tryGetContext('sesSandbox');
const consoleDomainPrefix: unknown = app.node.tryGetContext('consoleDomainPrefix');
// Changing index projections on a deployed stack, one index per deploy (README "Upgrading a deployed stack").
const projectAll: unknown = app.node.tryGetContext('projectAll');
const omitIndexes: unknown = app.node.tryGetContext('omitIndexes');

try {
  const configFile = typeof configPath === 'string' ? resolve(configPath) : undefined;
  const config = loadConfigFile(configFile);
  // A holiday schedule that ends within the SLA horizon gives wrong due times after it: say so.
  for (const warning of holidayScheduleWarnings(config.departments, new Date())) console.warn(`Warning: ${warning}`);
  const textModel = loadClassifierModel(config, configFile);
  const upgradeStep = { projectAll: parseIndexList('projectAll', projectAll, tables), omit: parseIndexList('omitIndexes', omitIndexes, tables) };
  // Loaded only once the config is valid, so a config mistake is reported before the construct
  // libraries take seconds to load.
  const { buildApp } = await import('../lib/app.ts');
  buildApp(app, config, {
    sesSandbox: sesSandbox === true || sesSandbox === 'true',
    ...(textModel && { textModel }),
    ...(typeof consoleDomainPrefix === 'string' && { consoleDomainPrefix }),
    pipeline: applyIndexUpgradeStep({ tables, functions }, upgradeStep),
  });
} catch (err) {
  exitOnConfigError(err);
}
app.synth();
