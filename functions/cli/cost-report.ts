import { estimateBill, expectedBatch, lifecyclesPerMonth, type Bill, type LifecycleProfile, type PriceFile } from '../domain/cost-model.ts';

const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const dec = (x: number, digits = 2) => new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(x);
const qty = (x: number) => (x !== 0 && Math.abs(x) < 100 ? dec(x, x < 1 ? 4 : 2) : int.format(x));

/** The bill as a table by service, then what dominates and the assumptions; no JSON (the CLI adds the one line). */
export function renderBill(bill: Bill, profile: LifecycleProfile, prices: PriceFile): string {
  const rows = bill.lines.map((l) => [l.service, l.item + (l.fixed ? ' (fixed)' : ''), qty(l.quantity), l.unit, dec(l.usdPerMonth), l.note ?? '']);
  const head = ['Service', 'Item', 'Quantity/month', 'Unit', 'USD/month', 'Note'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: readonly string[]) =>
    r
      .map((c, i) => (i === 2 || i === 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const infra = bill.lines.filter((l) => !l.delivery);
  const delivery = bill.lines.filter((l) => l.delivery);
  const lc = profile.lifecycle;
  const a = prices.assumptions;
  const topWrites = Object.entries(lc.writeUnitsBy)
    .filter(([, v]) => v > 0.001)
    .sort((x, y) => y[1] - x[1])
    .slice(0, 6);
  const topReads = Object.entries(lc.readUnitsBy)
    .filter(([, v]) => v > 0.001)
    .sort((x, y) => y[1] - x[1])
    .slice(0, 4);
  const biggest = [...infra].sort((x, y) => y.usdPerMonth - x.usdPerMonth)[0];
  // The complaints table on the other class, the same requests and bytes: which one this config should choose.
  const complaintsClass = profile.tableClasses?.complaints ?? 'STANDARD';
  const otherClass = complaintsClass === 'STANDARD' ? 'STANDARD_INFREQUENT_ACCESS' : 'STANDARD';
  const other = estimateBill({ ...profile, tableClasses: { ...profile.tableClasses, complaints: otherClass } }, prices, bill.complaintsPerDay);
  const otherDiff = other.usdPerMonth - bill.usdPerMonth;
  const storage = lc.storageByteMonthsBy;
  const n = lifecyclesPerMonth(bill.complaintsPerDay, prices);
  const streams = Object.entries(profile.shapes)
    .filter(([name, s]) => s.trigger === 'stream' && (lc.functions[name]?.records ?? 0) > 0)
    .map(([name, s]) => `${name} ${dec(expectedBatch((lc.functions[name]?.records ?? 0) * n, s, a), 1)}`);
  const invocations = Object.entries(lc.functions)
    .filter(([name, f]) => f.invocations > 0 && profile.shapes[name]?.trigger !== 'schedule')
    .map(([name, f]) => `${name} ${dec(profile.shapes[name]?.trigger === 'stream' ? f.records : f.invocations, 2)}${profile.shapes[name]?.trigger === 'stream' ? ' rec' : ''}`);
  const out = [
    `Monthly AWS estimate: ${int.format(bill.complaintsPerDay)} complaints a day = ${int.format(bill.lifecyclesPerMonth)} lifecycles a month (${a.hoursPerMonth} h), ${prices.region} list prices as of ${prices.asOf}`,
    '',
    fmt(head),
    fmt(widths.map((w) => '-'.repeat(w))),
    ...infra.map((l) => fmt(rows[bill.lines.indexOf(l)]!)),
    fmt(['Total', 'delivery excluded', '', '', dec(bill.usdPerMonth - bill.deliveryUsdPerMonth), '']),
    '',
    'Delivery, listed apart (not in the per-lifecycle figure):',
    ...delivery.map((l) => fmt(rows[bill.lines.indexOf(l)]!)),
    fmt(['Total', 'with delivery', '', '', dec(bill.usdPerMonth), '']),
    '',
    `Per million lifecycles, delivery excluded: $${dec(bill.usdPerMillionLifecycles)} (goal: under $10); each further million adds $${dec(bill.variableUsdPerMillionLifecycles)} (fixed costs: schedules' idle runs, metrics).`,
    biggest ? `Largest line: ${biggest.service} ${biggest.item}, $${dec(biggest.usdPerMonth)} a month (${dec((100 * biggest.usdPerMonth) / Math.max(1e-9, bill.usdPerMonth - bill.deliveryUsdPerMonth), 0)}% of it).` : '',
    `Table class: the complaints table is ${complaintsClass} (config retention.complaintsTableClass); on ${otherClass} this bill would be ${Math.abs(otherDiff) < 0.005 ? 'the same to the cent' : `$${dec(Math.abs(otherDiff))} a month ${otherDiff < 0 ? 'lower' : 'higher'}`}.`,
    '',
    `Measured per lifecycle (${profile.lifecyclesMeasured} lifecycles averaged, plus ${a.alertsPerMillionComplaints} alerts per million): ${dec(lc.dynamodb.writeUnits)} WRU in ${dec(lc.dynamodb.writeRequests)} writes, ${dec(lc.dynamodb.readUnits)} RRU in ${dec(lc.dynamodb.readRequests)} reads, ${dec(lc.httpRequests)} HTTP requests, ${dec(lc.eventChunks)} events, ${dec(lc.emails)} emails, ${dec(lc.storageByteMonths / 1024, 1)} KB-months stored (${Object.entries(storage).sort((x, y) => y[1] - x[1]).map(([t, v]) => `${t} ${dec(v / 1024, 1)}`).join(', ') || 'none'}).`,
    `  invocations (stream: records): ${invocations.join(', ')}`,
    `  records per stream invocation at this rate (${a.streamShards} shards): ${streams.join(', ')}`,
    `  writes by function, command, table/index (WRU per lifecycle): ${topWrites.map(([k, v]) => `${k} ${dec(v, 1)}`).join('; ')}`,
    `  reads (RRU per lifecycle): ${topReads.map(([k, v]) => `${k} ${dec(v, 1)}`).join('; ')}`,
    `  one alert incident beyond its complaints: ${dec(profile.alert.dynamodb.writeUnits, 1)} WRU, ${dec(profile.alert.dynamodb.readUnits, 1)} RRU, ${dec(profile.alert.emails, 0)} emails, ${dec(profile.alert.topicPublishes, 0)} topic SMS`,
    ...(profile.scheduleRuns
      ? [`  schedule runs per lifecycle (acting ones counted in it beyond an idle run; idle ones are the fixed cost): ${Object.entries(profile.scheduleRuns).filter(([, r]) => r.idle + r.acting > 0).map(([name, r]) => `${name} ${dec(r.acting)} acting of ${dec(r.idle + r.acting, 1)}`).join(', ')}`]
      : []),
    ...(profile.unmeasuredSchedules?.length ? [`  schedules that never ran while measuring (runs counted, work not): ${profile.unmeasuredSchedules.join(', ')}`] : []),
    `  custom metrics seen: ${profile.customMetrics.length ? profile.customMetrics.join(', ') : 'none'}`,
    ...(Object.keys(bill.unpricedSms).length
      ? [`  SMS not priced: ${Object.entries(bill.unpricedSms).map(([p, c]) => `${int.format(c)} a month to ${p}`).join(', ')}${bill.unpricedSms['+86'] ? ' (SNS cannot send SMS into mainland China: a local SMS provider is needed there)' : ''}`]
      : []),
    '',
    'Assumptions:',
    '  - Request counts, capacity units (DynamoDB Local reports ConsumedCapacity per table and index, transactions double), log bytes and EMF metrics are measured on the local runtime; prices and the lines below are not.',
    '  - Free tiers ignored; no reserved capacity; on-demand tables; the state table Standard, the complaints table of the configured class.',
    `  - Lambda billed duration per invocation = ${a.invocationOverheadMs} ms + measured handler CPU x ${a.localCpuToLambdaCpu} x max(1, ${a.fullCpuMemoryMb} MB / memory) + SDK waits (DynamoDB ${a.sdkLatencyMs.dynamodb} ms, EventBridge ${a.sdkLatencyMs.eventBridge} ms, SES ${a.sdkLatencyMs.ses} ms, SNS ${a.sdkLatencyMs.sns} ms per call); memory per function from functions/pipeline.ts; cold starts (INIT) not included.`,
    `  - Stream consumers: each of ${a.streamShards} shards fills a batch during its batching window (1 to batchSize records); per-record work is as measured with one record per batch, an upper bound for per-batch writes.`,
    '  - Schedules fire at their fixed rate whatever the volume: an idle run (nothing due) is a fixed cost; what a run does for complaints is in the lifecycle.',
    `  - Logs: what handlers write at the deployed level (INFO) plus ${a.platformLogBytesPerInvocation} bytes of START/END/REPORT lines per invocation and ${a.logEventOverheadBytes} bytes per event.`,
    '  - Storage: steady state once the retention (config retention.complaintDays, TTL of state items) is reached; an index projecting ALL stores the item once more, KEYS_ONLY/INCLUDE only its keys (functions/pipeline.ts).',
    '  - DynamoDB Streams GetRecords by Lambda triggers are free; the on-failure SQS queue sees traffic only when batches fail.',
    `  - ${a.alertsPerMillionComplaints} alert incidents per million complaints (each: raise, email + topic SMS, acknowledge page and click, all-clear).`,
  ];
  return out.join('\n');
}
