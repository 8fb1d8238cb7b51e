/**
 * Entry of one scan worker thread (`scan-pool.ts`): reads each file it is sent, decompresses it and scans its
 * records' bytes (`trail-decode/prefilter-scan.ts`), and sends back the scan with the bytes of the records the
 * reading thread may parse. It loads no catalog and keeps no tally: what it does per file is what `zcat` does plus
 * byte searches.
 */
import { readSmallFileSync } from './small-file.js';
import { gunzipSync } from 'node:zlib';
import { parentPort, workerData } from 'node:worker_threads';
import { bomLength, isGzip } from '../trail-decode/sink.js';
import { scanDocument, type DocumentScan } from '../trail-decode/prefilter-scan.js';
import { mayParse } from '../trail-decode/prefilter.js';
import { syncGunzipChunk } from '../trail-decode/gzip.js';
import { SCAN_WORKER_YOUNG_GENERATION_MB, type ScanReply, type ScanRequest, type ScanWorkerInit } from './scan-protocol.js';

const init = workerData as ScanWorkerInit;
/** The running Node's major version: how large a chunk gunzip may write into (`syncGunzipChunk`). */
const NODE_MAJOR = Number(process.versions.node.split('.')[0]);

/** The decompressed bytes of a file, or undefined when the reading thread should read it itself. */
function bytesOf(path: string): { size: number; data: Buffer } | undefined {
  const raw = readSmallFileSync(path, init.wholeFileMaxBytes);
  if (!raw) return undefined;
  try {
    return { size: raw.length, data: isGzip(raw) ? gunzipSync(raw, { chunkSize: syncGunzipChunk(raw, NODE_MAJOR) }) : raw };
  } catch {
    // Damaged gzip (like an unreadable or vanished file): the reading thread meets the same and reports it.
    return undefined;
  }
}

/** A view of `data` whose memory can be handed over: its own, or a copy when it shares Node's small-buffer pool. */
function transferable(data: Buffer): Uint8Array {
  return data.buffer.byteLength > Buffer.poolSize ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : Uint8Array.from(data);
}

/**
 * The bytes of the records `needed` marks (those the reading thread may parse, see `mayParse`), one after another,
 * and the scan with its spans moved onto them (the others' spans empty): the reading thread gets no byte of a
 * record it will only count, and copying even most of a document costs little beside its gunzip.
 */
function neededOnly(buf: Buffer, scan: DocumentScan, needed: Uint8Array): { data: Uint8Array; scan: DocumentScan } {
  let total = 0;
  for (let k = 0; k < needed.length; k++) if (needed[k]) total += scan.ends[k]! - scan.starts[k]!;
  const out = Buffer.allocUnsafeSlow(total);
  const starts = new Int32Array(needed.length);
  const ends = new Int32Array(needed.length);
  let at = 0;
  for (let k = 0; k < needed.length; k++) {
    starts[k] = at;
    if (needed[k]) at += buf.copy(out, at, scan.starts[k], scan.ends[k]);
    ends[k] = at;
  }
  return { data: new Uint8Array(out.buffer, out.byteOffset, out.byteLength), scan: { ...scan, starts, ends } };
}

function answer(req: ScanRequest): { reply: ScanReply; transfer: ArrayBuffer[]; bytes: number } {
  const read = bytesOf(req.path);
  if (!read) return { reply: { id: req.id, kind: 'unread' }, transfer: [], bytes: 0 };
  const buf = read.data;
  const found = buf.length <= init.streamDocumentBytes ? scanDocument(buf, bomLength(buf), init.needles, init.window) : undefined;
  if (!found) {
    const data = transferable(buf);
    return { reply: { id: req.id, kind: 'decoded', size: read.size, data }, transfer: [data.buffer as ArrayBuffer], bytes: buf.length };
  }
  const { data, scan } = neededOnly(buf, found, mayParse(found, new Set(req.knownRegions)));
  const transfer = [data.buffer as ArrayBuffer];
  for (const a of [scan.starts, scan.ends, scan.pass, scan.region, scan.outside]) transfer.push(a.buffer as ArrayBuffer);
  return { reply: { id: req.id, kind: 'scanned', size: read.size, data, scan }, transfer, bytes: buf.length };
}

/**
 * Decompressed bytes after which a worker nudges a young-generation collection (2 MiB: three or four delivery
 * files of the bench trail). Why: the files' buffers are memory outside the heap, and this thread allocates so
 * little JavaScript that V8 rarely collects on its own; a buffer still in use when it does is promoted, and
 * freed only by a full collection, which V8 starts when such memory has grown by tens of MiB. Between two files
 * no buffer is in use, so a collection then frees every one read since the last. Measured (usage --role on the
 * bench trails): peak RSS 177 → 146 MiB at 100k records and 227 → 180 at 1M, for ~1% more CPU (a nudge takes
 * ~0.1 ms; docs/BENCHMARKS.md).
 */
const NUDGE_AFTER_BYTES = 2 * 1024 * 1024;
/** Elements of each short-lived array of a nudge: 8 KiB with 8-byte slots (4 KiB with compressed pointers). */
const NUDGE_ARRAY_LENGTH = 1024;
/** Arrays a nudge allocates: enough to fill the young generation at 8 bytes a slot. */
const NUDGE_ARRAYS = (SCAN_WORKER_YOUNG_GENERATION_MB * 1024 * 1024) / (NUDGE_ARRAY_LENGTH * 8);

let bytesSinceNudge = 0;
/** Where the nudge's arrays go, so that the allocation is not optimized away. */
let lastNudgeArray: unknown;

/**
 * Allocates a young generation's worth of arrays that die at once, so V8 collects it now, while no file's buffer
 * is in use (see {@link NUDGE_AFTER_BYTES}). There is no API for a collection without `--expose-gc`, a flag a
 * worker cannot be given.
 */
function nudgeCollection(): void {
  for (let i = 0; i < NUDGE_ARRAYS; i++) lastNudgeArray = new Array(NUDGE_ARRAY_LENGTH);
}

parentPort!.on('message', (req: ScanRequest) => {
  const { reply, transfer, bytes } = answer(req);
  parentPort!.postMessage(reply, transfer);
  bytesSinceNudge += bytes;
  if (bytesSinceNudge >= NUDGE_AFTER_BYTES) {
    bytesSinceNudge = 0;
    nudgeCollection();
  }
});
