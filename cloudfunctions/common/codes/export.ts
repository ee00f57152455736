// Exports of a batch's codes for the printer: CSV (seq, code, link) and PDF sheets of QR codes
// whose link is the brand's `https://<domain>/q/<code>`. The file goes through cloud.uploadFile:
// in the cloud it lands in storage and the answer carries its fileID; the local runner writes it
// under the data directory and the local server serves it (docs/local-cloud.md).
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { getCloud, getDb } from '../cloud';
import { AppError } from '../errors';
import { getBatch } from './batches';
import { pretty } from './format';
import { assertValid, rangeProblems } from './forms';
import { COLLECTIONS as C, type Batch } from './model';

export const MAX_EXPORT = { csv: 200_000, pdf: 10_000 };
const PAGE = 1000;

export async function brandLink(): Promise<(code: string) => string> {
  const { data } = await getDb().collection('settings').doc('brand').get();
  const domain = (data as { domain?: string } | null)?.domain;
  if (!domain) throw new AppError('NOT_FOUND', 'the brand domain is not configured (settings/brand.domain)');
  return (code) => `https://${domain}/q/${code}`;
}

async function* codesOf(batch: Batch, from: number, to: number) {
  const db = getDb();
  const _ = db.command;
  for (let next = from; next <= to; ) {
    const { data } = await db.collection(C.codes).where({ batch: batch._id, seq: _.and(_.gte(next), _.lte(to)) }).orderBy('seq', 'asc').limit(PAGE).get();
    if (!data.length) return;
    for (const d of data) yield d as { _id: string; seq: number };
    next = (data[data.length - 1] as { seq: number }).seq + 1;
  }
}

function rangeOf(batch: Batch, range: { from?: number; to?: number }, max: number) {
  if (batch.status === 'generating') throw new AppError('BATCH_STATE', 'the batch is still generating');
  assertValid(rangeProblems(range, batch.size, max));
  return { from: range.from ?? 0, to: range.to ?? batch.size - 1 };
}

export async function buildCsv(batchId: string, range: { from?: number; to?: number } = {}): Promise<{ content: Buffer; count: number }> {
  const batch = await getBatch(batchId);
  const { from, to } = rangeOf(batch, range, MAX_EXPORT.csv);
  const link = await brandLink();
  const lines = ['seq,code,printed,url'];
  for await (const c of codesOf(batch, from, to)) lines.push(`${c.seq},${c._id},${pretty(c._id)},${link(c._id)}`);
  return { content: Buffer.from(lines.join('\n') + '\n', 'utf8'), count: lines.length - 1 };
}

/** A4 sheets, 4 × 6 labels: QR (drawn as vector modules) with the code printed under it. */
export async function buildPdf(batchId: string, range: { from?: number; to?: number } = {}): Promise<{ content: Buffer; count: number }> {
  const batch = await getBatch(batchId);
  const { from, to } = rangeOf(batch, range, MAX_EXPORT.pdf);
  const link = await brandLink();
  const doc = new PDFDocument({ size: 'A4', margin: 24, autoFirstPage: false, compress: true, info: { Title: `batch ${batch._id}` } });
  const chunks: Buffer[] = [];
  doc.on('data', (b: Buffer) => chunks.push(b));
  const done = new Promise<void>((resolve) => doc.on('end', () => resolve()));
  const cols = 4;
  const rows = 6;
  const cellW = (595.28 - 48) / cols;
  const cellH = (841.89 - 48) / rows;
  let i = 0;
  for await (const c of codesOf(batch, from, to)) {
    if (i % (cols * rows) === 0) doc.addPage();
    const col = i % cols;
    const row = Math.floor(i / cols) % rows;
    const x = 24 + col * cellW;
    const y = 24 + row * cellH;
    const qr = QRCode.create(link(c._id), { errorCorrectionLevel: 'M' });
    const n = qr.modules.size;
    const side = Math.min(cellW, cellH - 28) - 16;
    const m = side / n;
    const ox = x + (cellW - side) / 2;
    const oy = y + 8;
    // One rectangle per run of dark modules in a row keeps the file small.
    for (let r = 0; r < n; r++) {
      let start = -1;
      for (let k = 0; k <= n; k++) {
        const dark = k < n && qr.modules.get(r, k);
        if (dark && start < 0) start = k;
        if (!dark && start >= 0) {
          doc.rect(ox + start * m, oy + r * m, (k - start) * m, m);
          start = -1;
        }
      }
    }
    doc.fill('black');
    doc.fontSize(8).text(pretty(c._id), x, oy + side + 4, { width: cellW, align: 'center' });
    doc.fontSize(6).fillColor('#666').text(`${batch.batchNo} #${c.seq}`, x, oy + side + 14, { width: cellW, align: 'center' }).fillColor('black');
    i++;
  }
  if (!i) doc.addPage();
  doc.end();
  await done;
  return { content: Buffer.concat(chunks), count: i };
}

export async function exportBatch(batchId: string, format: 'csv' | 'pdf', range: { from?: number; to?: number } = {}) {
  const { content, count } = format === 'csv' ? await buildCsv(batchId, range) : await buildPdf(batchId, range);
  const name = `${batchId}-${range.from ?? 0}-${range.to ?? 'end'}.${format}`;
  const cloud = getCloud() as unknown as { uploadFile(o: { cloudPath: string; fileContent: Buffer }): Promise<{ fileID: string }> };
  const { fileID } = await cloud.uploadFile({ cloudPath: `code-exports/${name}`, fileContent: content });
  return { fileID, name, count, bytes: content.length };
}
