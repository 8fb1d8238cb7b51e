/**
 * A trail's delivery location and event selectors, from the CloudTrail API (`--trail-name`).
 */
import {
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailCommand,
  type CloudTrailClient,
  type Trail,
} from '@aws-sdk/client-cloudtrail';
import type { TrailConfigSource } from '../../core/ports/activity-source.js';
import type { TrailConfig } from '../../core/trail/config.js';
import { AwsAdapterError, callAws, toAwsError } from './errors.js';

/** The part of the CloudTrail client this adapter uses. */
export type TrailApiSender = Pick<CloudTrailClient, 'send'>;

/** Reads trail configuration; `clientFor(region)` gives the CloudTrail client of a region. */
export class CloudTrailConfigSource implements TrailConfigSource {
  constructor(
    private readonly clientFor: (region?: string) => TrailApiSender,
    private readonly opts: { profile?: string } = {},
  ) {}

  /** @inheritdoc */
  async getTrailConfig(nameOrArn: string): Promise<TrailConfig> {
    const profile = this.opts.profile;
    const client = this.clientFor();
    let trail: Trail | undefined;
    try {
      trail = (await client.send(new GetTrailCommand({ Name: nameOrArn }))).Trail;
    } catch (err) {
      const e = toAwsError(err, { action: 'cloudtrail:GetTrail', resource: nameOrArn, profile });
      if (e.code !== 'not-found') throw e;
      // A trail is fully visible in its home region; elsewhere only as a shadow of a multi-region trail.
      const d = await callAws({ action: 'cloudtrail:DescribeTrails', resource: nameOrArn, profile }, () =>
        client.send(new DescribeTrailsCommand({ trailNameList: [nameOrArn], includeShadowTrails: true })),
      );
      // Match by name or ARN ourselves: never take some other trail for the one asked for.
      trail = d.trailList?.find((t) => t.Name === nameOrArn || t.TrailARN === nameOrArn);
      if (!trail) throw e;
    }
    if (!trail?.S3BucketName) {
      throw new AwsAdapterError({
        code: 'not-found',
        message: `Trail ${nameOrArn} has no S3 bucket.`,
        hint: 'Pass --trail s3://BUCKET/PREFIX, or use --lookup for Event history.',
        resource: nameOrArn,
      });
    }
    // Event selectors are read where the trail lives: its home region.
    // HomeRegion may be absent from older API shapes: the trail ARN names the region too.
    const home = trail.HomeRegion ?? /^arn:aws[a-z-]*:cloudtrail:([a-z0-9-]+):/.exec(trail.TrailARN ?? '')?.[1];
    const sel = await callAws({ action: 'cloudtrail:GetEventSelectors', resource: trail.TrailARN ?? nameOrArn, profile }, () =>
      this.clientFor(home).send(new GetEventSelectorsCommand({ TrailName: trail!.TrailARN ?? nameOrArn })),
    );
    // The same JSON `aws cloudtrail get-event-selectors` prints (no SDK metadata), so --trail-config FILE and
    // --trail-name feed one parser.
    const eventSelectors: Record<string, unknown> = { TrailARN: sel.TrailARN ?? trail.TrailARN };
    if (sel.EventSelectors !== undefined) eventSelectors.EventSelectors = sel.EventSelectors;
    if (sel.AdvancedEventSelectors !== undefined) eventSelectors.AdvancedEventSelectors = sel.AdvancedEventSelectors;
    // What `aws cloudtrail get-trail` adds: which Regions (and global service events) the trail records.
    if (trail.IsMultiRegionTrail !== undefined) eventSelectors.IsMultiRegionTrail = trail.IsMultiRegionTrail;
    if (trail.IncludeGlobalServiceEvents !== undefined) eventSelectors.IncludeGlobalServiceEvents = trail.IncludeGlobalServiceEvents;
    if (home) eventSelectors.HomeRegion = home;
    return {
      name: trail.Name ?? nameOrArn,
      ...(trail.TrailARN ? { trailArn: trail.TrailARN } : {}),
      ...(home ? { homeRegion: home } : {}),
      bucket: trail.S3BucketName,
      prefix: (trail.S3KeyPrefix ?? '').replace(/^\/+|\/+$/g, ''),
      ...(trail.IsOrganizationTrail !== undefined ? { isOrganizationTrail: trail.IsOrganizationTrail } : {}),
      ...(trail.IsMultiRegionTrail !== undefined ? { isMultiRegionTrail: trail.IsMultiRegionTrail } : {}),
      eventSelectors: JSON.parse(JSON.stringify(eventSelectors)) as unknown,
    };
  }
}

/** `s3://BUCKET/PREFIX` for a trail config (what `--trail` would take). */
export function trailS3Url(cfg: TrailConfig): string {
  return `s3://${cfg.bucket}${cfg.prefix ? `/${cfg.prefix}` : ''}`;
}
