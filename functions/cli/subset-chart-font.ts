/**
 * Makes the chart font `assets/fonts/chart-sans-gb2312.ttf`, reproducibly, from WenQuanYi Micro Hei
 * (Debian package `fonts-wqy-microhei`, Apache-2.0), kept to what a chart label needs: printable
 * ASCII, Latin-1, common punctuation, and every character of GB2312 (the 6,763 hanzi of the national
 * standard plus its symbols, full-width forms and kana), which covers everyday simplified Chinese.
 *
 * Run with `npm run font:chart` after `apt-get install fonts-wqy-microhei`. The source file is
 * checked against its SHA-256 so a different upstream build cannot slip in unnoticed.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import subsetFont from 'subset-font';
import { chartFontCharacters } from '../domain/chart-font-characters.ts';

const SOURCE = '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc';
const SOURCE_SHA256 = '2420e8078af796b19a3f6ef13de527a1a91c1e7171eea115926c614ced1009b3';
const TARGET = fileURLToPath(new URL('../../assets/fonts/chart-sans-gb2312.ttf', import.meta.url));

/**
 * The first face of a TrueType collection as a standalone font: its table directory with the tables
 * copied after it (the subsetter reads single fonts only). Checksums are carried over unchanged, as
 * the tables' bytes are.
 */
export function firstFaceOfCollection(ttc: Buffer): Buffer {
  if (ttc.toString('latin1', 0, 4) !== 'ttcf') return ttc;
  const faceOffset = ttc.readUInt32BE(12);
  const numTables = ttc.readUInt16BE(faceOffset + 4);
  const headerLength = 12 + 16 * numTables;
  const tables = Array.from({ length: numTables }, (_, i) => {
    const record = faceOffset + 12 + 16 * i;
    return {
      tag: ttc.subarray(record, record + 4),
      checksum: ttc.readUInt32BE(record + 4),
      data: ttc.subarray(ttc.readUInt32BE(record + 8), ttc.readUInt32BE(record + 8) + ttc.readUInt32BE(record + 12)),
    };
  });
  const padded = (length: number): number => Math.ceil(length / 4) * 4;
  const out = Buffer.alloc(headerLength + tables.reduce((sum, t) => sum + padded(t.data.length), 0));
  ttc.copy(out, 0, faceOffset, faceOffset + 12);
  let offset = headerLength;
  tables.forEach((table, i) => {
    const record = 12 + 16 * i;
    table.tag.copy(out, record);
    out.writeUInt32BE(table.checksum, record + 4);
    out.writeUInt32BE(offset, record + 8);
    out.writeUInt32BE(table.data.length, record + 12);
    table.data.copy(out, offset);
    offset += padded(table.data.length);
  });
  return out;
}

async function main(): Promise<void> {
  const source = readFileSync(SOURCE);
  const digest = createHash('sha256').update(source).digest('hex');
  if (digest !== SOURCE_SHA256) throw new Error(`${SOURCE} has SHA-256 ${digest}, expected ${SOURCE_SHA256}`);
  const subset = await subsetFont(firstFaceOfCollection(source), chartFontCharacters(), { targetFormat: 'sfnt' });
  writeFileSync(TARGET, subset);
  console.log(`${join('assets', 'fonts', 'chart-sans-gb2312.ttf')}: ${subset.length} bytes`);
}

await main();
