/**
 * A trail's S3 bucket as an activity source: lists only the delivery-layout prefixes of the wanted
 * accounts, regions and days, downloads with bounded parallelism, and reads each object like a local file.
 */
import { GetObjectCommand, ListObjectsV2Command, type ListObjectsV2CommandOutput, type S3Client } from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import type {
  ActivityItem,
  ActivityProgress,
  ActivityQuery,
  ActivityRead,
  ActivityReadSummary,
  ActivitySource,
} from '../../core/ports/activity-source.js';
import {
  accountLogPrefix,
  isDigestPath,
  parseTrailPath,
  pathMayHoldWindow,
  trailKeyPrefixes,
} from '../../core/trail/layout.js';
import { AwsAdapterError, callAws, toAwsError } from './errors.js';
import { createTrailStats, type TrailParseOptions, type TrailReadStats } from '../trail-decode/sink.js';
import { readTrailObject } from '../trail-decode/decode.js';
import { addTrailStats } from '../fs/trail-reader.js';
import type { ObjectContent, StorableRead } from '../../core/store/read-through.js';

/** The part of the S3 client this adapter uses. */
export type S3Sender = Pick<S3Client, 'send'>;

/**
 * Objects downloaded at once. CloudTrail delivers many small files (typically well under 1 MB gzipped, a
 * few every 5 minutes per account and region), so per-request latency dominates: 8 in flight hides it on
 * one connection pool while bounding memory to 8 decompressed files and staying far from S3's per-prefix
 * limit of 5,500 GET/s (S3 User Guide, "Best practices design patterns: optimizing Amazon S3 performance").
 */
export const S3_DOWNLOAD_CONCURRENCY = 8;

/** Where a trail delivers: `s3://BUCKET/PREFIX`. */
export interface S3TrailLocation {
  bucket: string;
  /** Key prefix before `AWSLogs/`, no leading or trailing `/`; '' when none. */
  prefix: string;
  organizationId?: string;
  /** Set when the URL already points below `AWSLogs/ACCOUNT/`. */
  accountId?: string;
  region?: string;
}

/** Parses `s3://BUCKET[/PREFIX]`, also a URL pointing inside the layout (`.../AWSLogs/ACCOUNT/CloudTrail/REGION/`). */
export function parseS3TrailUrl(url: string): S3TrailLocation {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url.trim());
  if (!m || !m[1]) {
    throw new AwsAdapterError({
      code: 'bad-input',
      message: `"${url}" is not an S3 URL.`,
      hint: 'Use s3://BUCKET or s3://BUCKET/PREFIX (the trail\'s bucket and key prefix, as `aws cloudtrail get-trail` shows them).',
    });
  }
  const rest = m[2].replace(/^\/+|\/+$/g, '');
  const info = rest ? parseTrailPath(rest) : undefined;
  if (info) {
    return {
      bucket: m[1],
      prefix: info.prefix,
      ...(info.organizationId ? { organizationId: info.organizationId } : {}),
      ...(info.accountId ? { accountId: info.accountId } : {}),
      ...(info.region ? { region: info.region } : {}),
    };
  }
  return { bucket: m[1], prefix: rest };
}

/**
 * Reads one object's body into items. The default is the shared trail parser (`readTrailObject`), so S3
 * objects are read exactly like local files (formats, gzip by magic bytes, bad-input problems, window filter).
 */
export type ObjectReader = (
  name: string,
  body: Readable,
  options: TrailParseOptions,
) => AsyncIterable<ActivityItem>;

/** Options for {@link S3TrailSource}. */
export interface S3TrailOptions {
  /** Accounts whose logs to read; discovered under `AWSLogs/` when empty. */
  accountIds?: readonly string[];
  /** Regions to read; discovered under each account's `CloudTrail/` folder when empty. */
  regions?: readonly string[];
  /** Organization id (`o-...`) for an Organization trail; discovered when the bucket has one. */
  organizationId?: string;
  concurrency?: number;
  /** Reads one object (default: the shared trail reader). */
  reader?: ObjectReader;
  /**
   * Counters shared with the local reader (files read, records outside the window, ...), added to as objects
   * are read; pass the same object to several reads to total them. A fresh one per read when absent.
   */
  stats?: TrailReadStats;
  onProgress?: (p: ActivityProgress) => void;
  /** `MaxKeys` for listings (default: the API's 1,000). Small values exercise pagination in tests. */
  pageSize?: number;
  profile?: string;
}

/** A read of a trail bucket: items, the summary, and the same counters the local reader keeps. */
export interface S3TrailRead extends ActivityRead {
  /** Objects seen/pruned/read, bytes, records outside the window, problems by code (final after iteration). */
  stats(): TrailReadStats;
}

/** Reads a trail's logs from S3. */
export class S3TrailSource implements ActivitySource {
  private readonly loc: S3TrailLocation;

  constructor(
    private readonly s3: S3Sender,
    location: string | S3TrailLocation,
    private readonly opts: S3TrailOptions = {},
  ) {
    this.loc = typeof location === 'string' ? parseS3TrailUrl(location) : location;
  }

  /** @inheritdoc */
  read(query: ActivityQuery): S3TrailRead {
    const summary: ActivityReadSummary = { warnings: [], failures: [], records: 0, since: query.since, until: query.until };
    const stats = this.opts.stats ?? createTrailStats();
    const self = this;
    return {
      summary: () => summary,
      stats: () => stats,
      [Symbol.asyncIterator]: () => self.iterate(query, summary, stats)[Symbol.asyncIterator](),
    };
  }

  /** @inheritdoc */
  async *readAgain(files: readonly string[], query: ActivityQuery): AsyncGenerator<ActivityItem> {
    const prefix = `s3://${this.loc.bucket}/`;
    const keys = files.filter((f) => f.startsWith(prefix)).map((f) => f.slice(prefix.length));
    // The first read counted the objects: this one's counters and summary are thrown away.
    const summary: ActivityReadSummary = { warnings: [], failures: [], records: 0, since: query.since, until: query.until };
    yield* this.download(keys, summary, createTrailStats());
  }

  /** Lists common prefixes (sub-folders) one level below `prefix`. */
  private async listFolders(prefix: string): Promise<string[]> {
    const out: string[] = [];
    await this.listPages(prefix, '/', (page) => {
      for (const p of page.CommonPrefixes ?? []) if (p.Prefix) out.push(p.Prefix.slice(prefix.length).replace(/\/$/, ''));
    });
    return out.sort();
  }

  /** Lists every object under `prefix`: its key and ETag. */
  private async listKeys(prefix: string): Promise<Array<{ key: string; etag: string }>> {
    const out: Array<{ key: string; etag: string }> = [];
    await this.listPages(prefix, undefined, (page) => {
      for (const o of page.Contents ?? []) if (o.Key) out.push({ key: o.Key, etag: o.ETag ?? '' });
    });
    return out;
  }

  /** Pages through ListObjectsV2 under `prefix` (with `delimiter`, folder by folder), handing each page on. */
  private async listPages(prefix: string, delimiter: string | undefined, onPage: (page: ListObjectsV2CommandOutput) => void): Promise<void> {
    let token: string | undefined;
    do {
      const page = await callAws(
        { action: 's3:ListBucket', resource: `arn:aws:s3:::${this.loc.bucket} (prefix ${prefix})`, profile: this.opts.profile },
        () =>
          this.s3.send(
            new ListObjectsV2Command({ Bucket: this.loc.bucket, Prefix: prefix, Delimiter: delimiter, ContinuationToken: token, MaxKeys: this.opts.pageSize }),
          ),
      );
      onPage(page);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  /** Finds organization id and accounts under `PREFIX/AWSLogs/` when not given. */
  private async discoverAccounts(): Promise<{ organizationId?: string; accountIds: string[] }> {
    const root = `${this.loc.prefix ? `${this.loc.prefix}/` : ''}AWSLogs/`;
    const orgId = this.opts.organizationId ?? this.loc.organizationId;
    const given = this.opts.accountIds?.length ? [...this.opts.accountIds] : this.loc.accountId ? [this.loc.accountId] : [];
    if (orgId) {
      return { organizationId: orgId, accountIds: given.length ? given : (await this.listFolders(`${root}${orgId}/`)).filter(isAccount) };
    }
    const top = await this.listFolders(root);
    const orgs = top.filter((f) => /^o-[a-z0-9]+$/.test(f));
    const accounts = top.filter(isAccount);
    if (orgs.length > 0 && accounts.length === 0) {
      // Organization trail: one org id per trail.
      const org = orgs[0];
      return { organizationId: org, accountIds: given.length ? given : (await this.listFolders(`${root}${org}/`)).filter(isAccount) };
    }
    return { accountIds: given.length ? given : accounts };
  }

  private async *iterate(query: ActivityQuery, summary: ActivityReadSummary, stats: TrailReadStats): AsyncGenerator<ActivityItem> {
    const keys = await this.listWindow(query, summary, stats);
    yield* this.download(keys.map((k) => k.key), summary, stats);
  }

  /**
   * A read through the usage store (`core/store/read-through.ts`): the objects a read of `query` would read, with
   * their ETags, and each of them read whole with no window and its own counters. The counters of the listing and
   * of every object go to the same stats as {@link read}'s.
   */
  storableRead(query: ActivityQuery): StorableRead {
    const summary: ActivityReadSummary = { warnings: [], failures: [], records: 0, since: query.since, until: query.until };
    const stats = this.opts.stats ?? createTrailStats();
    const prefix = `s3://${this.loc.bucket}/`;
    return {
      summary: () => summary,
      list: async () => (await this.listWindow(query, summary, stats)).map((k) => ({ name: prefix + k.key, validator: `etag:${k.etag}` })),
      read: (refs) => this.readWhole(refs.map((r) => r.name.slice(prefix.length)), summary),
      count: (more) => addTrailStats(stats, more),
    };
  }

  /** Reads `keys` whole (no window), one item list and one set of counters per object, in key order. */
  private async *readWhole(keys: string[], summary: ActivityReadSummary): AsyncGenerator<ObjectContent> {
    for await (const { key, items, stats, error } of this.fetchInOrder(keys, () => ({ stats: createTrailStats() }))) {
      if (error) this.failed(summary, key, error);
      summary.records += items.length;
      yield { name: `s3://${this.loc.bucket}/${key}`, items, stats, failed: error !== undefined };
    }
  }

  /** Lists the objects of the window's day prefixes, pruned by their names, sorted by key. */
  private async listWindow(query: ActivityQuery, summary: ActivityReadSummary, stats: TrailReadStats): Promise<Array<{ key: string; etag: string }>> {
    const bucket = this.loc.bucket;
    const window = { since: query.since, until: query.until };
    let organizationId = this.opts.organizationId ?? this.loc.organizationId;
    let accountIds = this.opts.accountIds?.length ? [...this.opts.accountIds] : this.loc.accountId ? [this.loc.accountId] : [];
    // Unless the URL pinned the account folder, one delimiter listing of `AWSLogs/` tells whether this is an
    // Organization trail (`AWSLogs/o-ID/ACCOUNT/`) and which accounts exist; no object is read for it.
    if (!this.loc.accountId && (!organizationId || accountIds.length === 0)) {
      const found = await this.discoverAccounts();
      organizationId = found.organizationId;
      if (accountIds.length === 0) accountIds = found.accountIds;
      if (accountIds.length === 0) {
        summary.warnings.push(
          `No CloudTrail logs found under s3://${bucket}/${this.loc.prefix ? `${this.loc.prefix}/` : ''}AWSLogs/: check the bucket and prefix (the trail's S3KeyPrefix).`,
        );
        return [];
      }
    }
    // Day prefixes per account × region.
    const dayPrefixes: string[] = [];
    for (const account of accountIds.sort()) {
      let regions = this.opts.regions?.length ? [...this.opts.regions] : this.loc.region ? [this.loc.region] : [];
      if (regions.length === 0) {
        const base = accountLogPrefix(this.loc.prefix, organizationId, account);
        try {
          regions = await this.listFolders(base);
        } catch (err) {
          const e = toAwsError(err, { action: 's3:ListBucket', resource: `s3://${bucket}/${base}` });
          if (e.code === 'credentials') throw e;
          summary.failures.push({ scope: `s3://${bucket}/${base}`, code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) });
          continue;
        }
      }
      dayPrefixes.push(
        ...trailKeyPrefixes({ prefix: this.loc.prefix, organizationId, accountIds: [account], regions, window }),
      );
    }
    // Keys, pruned to the window by file name too (finer than the day folder).
    const keys: Array<{ key: string; etag: string }> = [];
    for (const prefix of dayPrefixes) {
      try {
        for (const object of await this.listKeys(prefix)) {
          const key = object.key;
          if (key.endsWith('/')) continue;
          stats.filesSeen++;
          if (isDigestPath(key)) stats.filesSkipped++;
          else if (!pathMayHoldWindow(key, window)) stats.filesPruned++;
          else keys.push(object);
        }
      } catch (err) {
        const e = toAwsError(err, { action: 's3:ListBucket', resource: `s3://${bucket}/${prefix}` });
        if (e.code === 'credentials') throw e;
        summary.failures.push({ scope: `s3://${bucket}/${prefix}`, code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) });
      }
    }
    return keys.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** Downloads and reads `keys` with bounded parallelism, yielding in key order (deterministic). */
  private async *download(keys: string[], summary: ActivityReadSummary, stats: TrailReadStats): AsyncGenerator<ActivityItem> {
    const parseOptions: TrailParseOptions = { window: { since: summary.since, until: summary.until }, stats };
    for await (const { key, items, error } of this.fetchInOrder(keys, () => parseOptions)) {
      if (error) this.failed(summary, key, error);
      for (const item of items) {
        if (item.kind === 'record') summary.records++;
        yield item;
      }
    }
  }

  /** Notes an object that could not be read in the summary; missing credentials end the read. */
  private failed(summary: ActivityReadSummary, key: string, error: AwsAdapterError): void {
    if (error.code === 'credentials') throw error;
    summary.failures.push({ scope: `s3://${this.loc.bucket}/${key}`, code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) });
  }

  /**
   * Downloads and parses `keys`, at most {@link S3_DOWNLOAD_CONCURRENCY} at once, yielding each object's items in key
   * order; `parseOptionsOf` gives each object's parse options (window, stats).
   */
  private async *fetchInOrder(
    keys: string[],
    parseOptionsOf: (key: string) => TrailParseOptions,
  ): AsyncGenerator<{ key: string; items: ActivityItem[]; stats: TrailReadStats; error?: AwsAdapterError }> {
    const limit = Math.max(1, this.opts.concurrency ?? S3_DOWNLOAD_CONCURRENCY);
    const reader: ObjectReader = this.opts.reader ?? ((name, body, options) => readTrailObject(name, body, options));
    const bucket = this.loc.bucket;
    const started = Date.now();
    let records = 0;
    type Result = { key: string; items: ActivityItem[]; stats: TrailReadStats; error?: AwsAdapterError };
    const fetchOne = async (key: string): Promise<Result> => {
      const name = `s3://${bucket}/${key}`;
      const parseOptions = parseOptionsOf(key);
      const stats = parseOptions.stats ?? createTrailStats();
      try {
        const out = await callAws({ action: 's3:GetObject', resource: `arn:aws:s3:::${bucket}/${key}`, profile: this.opts.profile }, () =>
          this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key })),
        );
        const body = out.Body as unknown;
        const stream = body instanceof Readable ? body : Readable.from(Buffer.from(await (body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray()));
        const items: ActivityItem[] = [];
        for await (const item of reader(name, stream, { ...parseOptions, stats })) items.push(item);
        return { key, items, stats };
      } catch (err) {
        return { key, items: [], stats, error: toAwsError(err, { action: 's3:GetObject', resource: `arn:aws:s3:::${bucket}/${key}` }) };
      }
    };
    const inflight: Promise<Result>[] = [];
    let next = 0;
    const fill = () => {
      while (next < keys.length && inflight.length < limit) inflight.push(fetchOne(keys[next++]!));
    };
    fill();
    for (let done = 0; done < keys.length; done++) {
      const res = await inflight.shift()!;
      fill();
      yield res;
      for (const item of res.items) if (item.kind === 'record') records++;
      if (this.opts.onProgress) {
        const elapsed = Date.now() - started;
        const n = done + 1;
        this.opts.onProgress({ pages: n, events: records, totalPages: keys.length, etaMs: Math.round((elapsed / n) * (keys.length - n)), elapsedMs: elapsed, detail: res.key });
      }
    }
  }
}

function isAccount(s: string): boolean {
  return /^\d{12}$/.test(s);
}
