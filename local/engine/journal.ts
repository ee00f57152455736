/**
 * Durable storage under `dataDir`:
 *  - `journal.jsonl`: one JSON line per committed write (a single request, or a whole transaction),
 *    appended with fs.writeSync before the engine replies. A line is
 *    `{"s":<seq>,"o":[["p",<coll>,<doc EJSON>] | ["d",<coll>,<_id EJSON>] | ["c",<coll>], ...]}`.
 *  - `snapshot.jsonl`: written to `snapshot.jsonl.tmp`, fsynced, renamed over the old one, then the
 *    journal is truncated. Line 1 is `{"snapshot":1,"seq":<seq>,"collections":[...]}`, then one
 *    `{"c":<coll>,"d":<doc>}` per document. Journal lines with seq <= the snapshot's are skipped on
 *    replay (covers a crash between the rename and the truncate).
 * On open a torn last journal line (partial JSON from a crash mid-write) is dropped and cut off the
 * file so later appends start on a clean line. A damaged line anywhere else is an error.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseEJSON, stringifyEJSON, Doc } from './values';

export type JournalOp = ['p', string, Doc] | ['d', string, any] | ['c', string];

export interface LoadedState {
  snapshotSeq: number;
  collections: string[];
  /** Documents from the snapshot, per collection. */
  docs: Map<string, Doc[]>;
  /** Journal entries after the snapshot, in order. */
  entries: { s: number; o: JournalOp[] }[];
  droppedTornLine: boolean;
}

const CHUNK = 1 << 20;

/** Calls fn(line, endOffset) for each complete line; returns the byte offset after the last '\n' and any trailing partial text. */
function readLines(file: string, fn: (line: string, end: number) => void): { lastNewlineEnd: number; tail: string } {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    let carry: Buffer = Buffer.alloc(0);
    let pos = 0; // file offset of carry[0]
    let lastNewlineEnd = 0;
    for (;;) {
      const n = fs.readSync(fd, buf, 0, CHUNK, null);
      if (n <= 0) break;
      const data = carry.length ? Buffer.concat([carry, buf.subarray(0, n)]) : buf.subarray(0, n);
      let start = 0;
      for (;;) {
        const nl = data.indexOf(10, start);
        if (nl === -1) break;
        const end = pos + nl + 1;
        if (nl > start) fn(data.toString('utf8', start, nl), end);
        lastNewlineEnd = end;
        start = nl + 1;
      }
      carry = Buffer.from(data.subarray(start));
      pos += start;
    }
    return { lastNewlineEnd, tail: carry.toString('utf8') };
  } finally {
    fs.closeSync(fd);
  }
}

export class Journal {
  readonly dir: string;
  readonly journalPath: string;
  readonly snapshotPath: string;
  private fd: number | null = null;
  /** Lines in the journal since the last compaction. */
  lines = 0;
  private readonly fsync: boolean;

  constructor(dir: string, opts: { fsync?: boolean } = {}) {
    this.dir = dir;
    this.journalPath = path.join(dir, 'journal.jsonl');
    this.snapshotPath = path.join(dir, 'snapshot.jsonl');
    this.fsync = !!opts.fsync;
    fs.mkdirSync(dir, { recursive: true });
  }

  /** Reads snapshot + journal (repairing a torn last journal line) and opens the journal for appends. */
  load(): LoadedState {
    const state: LoadedState = { snapshotSeq: 0, collections: [], docs: new Map(), entries: [], droppedTornLine: false };
    // A leftover temp snapshot means a compaction died before its rename: the old files are intact.
    try {
      fs.unlinkSync(this.snapshotPath + '.tmp');
    } catch {
      /* none */
    }
    if (fs.existsSync(this.snapshotPath)) {
      let first = true;
      let lineNo = 0;
      const { tail } = readLines(this.snapshotPath, (line) => {
        lineNo++;
        if (first) {
          first = false;
          const h = JSON.parse(line);
          if (!h || h.snapshot !== 1) throw new Error(`${this.snapshotPath}: not a snapshot file`);
          state.snapshotSeq = h.seq || 0;
          state.collections = h.collections || [];
          for (const c of state.collections) state.docs.set(c, []);
          return;
        }
        let rec: any;
        try {
          rec = parseEJSON(line, 0, 'snapshot line');
        } catch (e) {
          throw new Error(`${this.snapshotPath}: line ${lineNo} is damaged: ${(e as Error).message}`);
        }
        let arr = state.docs.get(rec.c);
        if (!arr) state.docs.set(rec.c, (arr = []));
        arr.push(rec.d);
      });
      if (tail.trim()) throw new Error(`${this.snapshotPath}: truncated snapshot (last line incomplete)`);
    }
    if (fs.existsSync(this.journalPath)) {
      const pending: { line: string; end: number }[] = [];
      const { lastNewlineEnd, tail } = readLines(this.journalPath, (line, end) => pending.push({ line, end }));
      let goodEnd = 0;
      for (let i = 0; i < pending.length; i++) {
        const { line, end } = pending[i];
        let e: any;
        try {
          e = parseEJSON(line, 0, 'journal line');
          if (!e || typeof e.s !== 'number' || !Array.isArray(e.o)) throw new Error('not a journal entry');
        } catch (err) {
          if (i === pending.length - 1 && !tail) {
            state.droppedTornLine = true;
            break;
          }
          throw new Error(`${this.journalPath}: line ${i + 1} is damaged (${(err as Error).message}); refusing to guess`);
        }
        goodEnd = end;
        this.lines++;
        if (e.s > state.snapshotSeq) state.entries.push(e);
      }
      if (tail) state.droppedTornLine = true;
      if (state.droppedTornLine || goodEnd !== lastNewlineEnd || tail) {
        fs.truncateSync(this.journalPath, goodEnd);
      }
    }
    this.fd = fs.openSync(this.journalPath, 'a');
    return state;
  }

  /** Appends one committed write. Synchronous: returns once the OS has the bytes. */
  append(seq: number, ops: JournalOp[]): void {
    if (this.fd === null) throw new Error('journal is closed');
    const line = '{"s":' + seq + ',"o":' + stringifyEJSON(ops) + '}\n';
    fs.writeSync(this.fd, line);
    if (this.fsync) fs.fsyncSync(this.fd);
    this.lines++;
  }

  /** Writes a snapshot atomically, then empties the journal. */
  writeSnapshot(seq: number, collections: { name: string; docs: Iterable<Doc> }[]): void {
    const tmp = this.snapshotPath + '.tmp';
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, JSON.stringify({ snapshot: 1, seq, collections: collections.map((c) => c.name) }) + '\n');
      let batch: string[] = [];
      let size = 0;
      const flush = () => {
        if (!batch.length) return;
        fs.writeSync(fd, batch.join(''));
        batch = [];
        size = 0;
      };
      for (const c of collections) {
        const prefix = '{"c":' + JSON.stringify(c.name) + ',"d":';
        for (const d of c.docs) {
          const line = prefix + stringifyEJSON(d) + '}\n';
          batch.push(line);
          size += line.length;
          if (size > CHUNK) flush();
        }
      }
      flush();
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, this.snapshotPath);
    try {
      const dfd = fs.openSync(this.dir, 'r');
      fs.fsyncSync(dfd);
      fs.closeSync(dfd);
    } catch {
      /* directory fsync is best effort */
    }
    if (this.fd !== null) fs.ftruncateSync(this.fd, 0);
    else fs.truncateSync(this.journalPath, 0);
    this.lines = 0;
  }

  close(): void {
    if (this.fd !== null) {
      fs.closeSync(this.fd);
      this.fd = null;
    }
  }
}
