/**
 * `npm run export-training`: the complaints table as labelled history for `npm run train`, with the
 * category each complaint ended in (an agent's `recategorize` correction included) and what intake
 * had decided. Reads the table with a paginated Scan (eventually consistent, half a read unit per
 * 4 KB), so run it off-peak on a large table.
 */
import { statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ComplaintSchema } from '../domain/complaint.ts';
import { trainingCsv, trainingRow, type TrainingRow } from '../domain/training-export.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../local/dynamodb-local.ts';
import { CliInputError, optional, parseFlags, required, runWhenMain } from './args.ts';

const USAGE = 'usage: npm run export-training -- --table <complaints table> --out <file.csv> [--endpoint <DynamoDB Local URL>] [--region <region>]';

/** What an export found. */
export interface TrainingExport {
  readonly rows: TrainingRow[];
  /** Complaints left out: erased ones (no text left) and items that are not complaints. */
  readonly erased: number;
  readonly unreadable: number;
}

/** Reads every complaint of the table, page by page. */
export async function exportTraining(doc: DynamoDBDocumentClient, table: string): Promise<TrainingExport> {
  const rows: TrainingRow[] = [];
  let erased = 0;
  let unreadable = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
    for (const item of page.Items ?? []) {
      const parsed = ComplaintSchema.safeParse(item);
      if (!parsed.success) {
        unreadable += 1;
        continue;
      }
      const row = trainingRow(parsed.data);
      if (row) rows.push(row);
      else erased += 1;
    }
    start = page.LastEvaluatedKey;
  } while (start);
  // Oldest first, as history reads.
  rows.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt) || a.id.localeCompare(b.id));
  return { rows, erased, unreadable };
}

/** Runs the CLI; returns the exit code (2 for input problems, printed as one line). */
export async function main(argv: readonly string[]): Promise<number> {
  let client: DynamoDBClient | undefined;
  try {
    const v = parseFlags(argv, ['table', 'out', 'endpoint', 'region'], USAGE);
    const table = required(v, 'table', USAGE);
    const out = required(v, 'out', USAGE);
    const endpoint = optional(v, 'endpoint');
    const region = optional(v, 'region');
    if (endpoint !== undefined && !URL.canParse(endpoint)) throw new CliInputError(`--endpoint '${endpoint}' is not a URL (e.g. http://127.0.0.1:8000)`);
    // Before the Scan, which may take minutes on a large table.
    assertFolderOf(out);
    client = new DynamoDBClient(endpoint ? { endpoint, region: region ?? LOCAL_REGION, credentials: LOCAL_CREDENTIALS } : region ? { region } : {});
    let found: TrainingExport;
    try {
      found = await exportTraining(DynamoDBDocumentClient.from(client), table);
    } catch (err) {
      if (err instanceof ResourceNotFoundException) throw new CliInputError(`no table '${table}'${endpoint ? ` at ${endpoint}` : ''}: name the complaints table (the stack's ComplaintsTableName output; locally <prefix>-complaints)`);
      if (err instanceof Error && err.message === 'Region is missing') {
        throw new CliInputError('no AWS region: pass --region <region> (or set AWS_REGION) for a table in AWS, or --endpoint <DynamoDB Local URL> for a local one');
      }
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== undefined && UNREACHABLE.has(code)) {
        throw new CliInputError(endpoint ? `nothing answers at --endpoint ${endpoint} (${code}): start DynamoDB Local (npm start prints its URL) or correct --endpoint` : `cannot reach DynamoDB in region ${region ?? process.env.AWS_REGION} (${code}): check --region and the network`);
      }
      throw err;
    }
    try {
      writeFileSync(out, trainingCsv(found.rows));
    } catch (err) {
      throw new CliInputError(`cannot write --out '${out}' (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): choose a file in a folder you can write`);
    }
    const corrected = found.rows.filter((r) => r.correctedBy).length;
    console.log(`export-training: ${found.rows.length} complaint${found.rows.length === 1 ? '' : 's'} (${corrected} moved by an agent) → ${out}; left out: ${found.erased} erased, ${found.unreadable} not complaints`);
    console.log(`next: npm run train -- --file ${out} --text-column title --text-column description --label-column category --out config/model.json`);
    return 0;
  } catch (err) {
    if (err instanceof CliInputError) {
      console.error(`export-training: ${err.message}`);
      return 2;
    }
    throw err;
  } finally {
    client?.destroy();
  }
}

/** Socket errors that mean the endpoint is wrong or down, not a bug: told in one line. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH']);

/** @throws CliInputError naming --out when its folder is missing or not a folder */
function assertFolderOf(out: string): void {
  const folder = dirname(resolve(out));
  let isFolder: boolean;
  try {
    isFolder = statSync(folder).isDirectory();
  } catch {
    isFolder = false;
  }
  if (!isFolder) throw new CliInputError(`--out '${out}': folder ${folder} does not exist; create it or choose another file`);
}

runWhenMain(import.meta.url, main);
