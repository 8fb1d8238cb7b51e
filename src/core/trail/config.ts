/**
 * A trail's delivery location and recording configuration, as read from the CloudTrail API (`--trail-name`).
 */

/** Where a trail delivers its logs and what it records (raw selectors for the recording's "unobservable" logic). */
export interface TrailConfig {
  name: string;
  trailArn?: string;
  homeRegion?: string;
  bucket: string;
  /** S3 key prefix, '' when none. */
  prefix: string;
  isOrganizationTrail?: boolean;
  isMultiRegionTrail?: boolean;
  /**
   * The GetEventSelectors response as JSON (`EventSelectors` or `AdvancedEventSelectors`), in the shape
   * `aws cloudtrail get-event-selectors` prints, so `--trail-config FILE` and the API feed the same logic.
   */
  eventSelectors: unknown;
}
