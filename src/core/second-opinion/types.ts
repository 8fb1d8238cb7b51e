/**
 * The shapes of the two second opinions: IAM's last-accessed report as the adapter reads it, the hand-kept
 * tracking table, and what `--access-advisor` concluded (for the summary and `--explain`).
 */

/** One tracked action of a service, as GetServiceLastAccessedDetails (ACTION_LEVEL) lists it. */
export interface TrackedActionAccess {
  /** The action's name without prefix (`DescribeInstances`), as IAM gives it. */
  action: string;
  /** ISO 8601; absent when not accessed in the tracking period. */
  lastAccessed?: string;
  region?: string;
}

/** One service the role's permissions policies allow, as GetServiceLastAccessedDetails lists it. */
export interface ServiceAccess {
  /** The IAM prefix (`ServiceNamespace`). */
  namespace: string;
  name?: string;
  /** ISO 8601; absent when no authenticated attempt in the tracking period. */
  lastAuthenticated?: string;
  lastAuthenticatedRegion?: string;
  trackedActions: TrackedActionAccess[];
}

/** A completed last-accessed report (values are AWS's: escape them before printing). */
export interface LastAccessedReport {
  /** The role it is about. */
  arn: string;
  /** When IAM created the job (ISO 8601): the tracking period ends about here. */
  jobCreatedAt: string;
  services: ServiceAccess[];
}

/** data/iam/last-accessed-tracking.json, checked. */
export interface TrackingTable {
  /** Days of service-level history IAM keeps. */
  trackingDays: number;
  /** Region → the date (YYYY-MM-DD) IAM began tracking there. */
  regions: Readonly<Record<string, string>>;
  /** Where the facts come from (for the summary's note). */
  source: string;
}

/** Where the never-accessed evidence starts in one Region. */
export interface RegionTracking {
  region: string;
  /** The date IAM began tracking there; undefined when the table does not list the Region. */
  began?: string;
}

/** A service the role's policies grant that IAM shows never accessed in its tracking period. */
export interface NeverAccessedService {
  service: string;
  name?: string;
  /** Whether its unobservable actions were removed on this evidence (`--trust-access-advisor` and the period covers the window). */
  trusted: boolean;
  /** Why it was not trusted, when it was not (and trust was asked for). */
  notTrustedBecause?: string;
}

/** What `--access-advisor` found, for the report. */
export interface LastAccessedNotes {
  role: string;
  jobCreatedAt: string;
  /** The start of the never-accessed evidence (YYYY-MM-DD): the later of the Regions' start dates and the period's start; undefined when a Region's start is unknown. */
  trackingSince?: string;
  regions: RegionTracking[];
  /** First in the summary. */
  neverAccessed: NeverAccessedService[];
  /** Services IAM shows never accessed, yet the trail shows used (IAM's data lags by up to about four hours): not trusted. */
  contradicted: string[];
  trust: boolean;
  source: string;
}
