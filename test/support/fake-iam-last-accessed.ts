/**
 * A local HTTP fake of IAM's last-accessed API (moto implements neither call), speaking IAM's query protocol:
 * form-encoded POST bodies (`Action=…&Version=2010-05-08&…`), XML answers, errors as `<ErrorResponse>` with HTTP 400.
 *
 * Behaviour spec (what the IAM API Reference documents, reduced to what policy-trim relies on):
 * - GenerateServiceLastAccessedDetails(Arn, Granularity) starts a job and answers its JobId.
 * - GetServiceLastAccessedDetails(JobId, MaxItems?, Marker?) answers IN_PROGRESS (no services) for the job's first
 *   `inProgressPolls` calls, then COMPLETED with up to MaxItems services (default 100) per page, IsTruncated and an
 *   opaque Marker while more remain; or FAILED with an Error (Code, Message) when `fail` is set.
 * - An unknown JobId is `NoSuchEntity`. `throttle` lists 1-based request numbers answered `Throttling` (not served).
 * - Every request is recorded (action, parameters) so tests can check pacing and paging.
 * - With `role`, it also answers the reads of one role's policies that `suggest --role` makes (GetRole,
 *   ListRolePolicies, GetRolePolicy with the document URL-encoded as IAM returns it, and an empty
 *   ListAttachedRolePolicies), one page each.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A service of the report, as the fake's test gives it. */
export interface FakeService {
  namespace: string;
  name?: string;
  lastAuthenticated?: string;
  region?: string;
  tracked?: { action: string; at?: string; region?: string }[];
}

/** Options of the fake. */
export interface FakeIamOptions {
  services: FakeService[];
  inProgressPolls?: number;
  fail?: { code: string; message: string };
  throttle?: number[];
  jobCreatedAt?: string;
  /** One role and its inline policies (name → document). */
  role?: { arn: string; inline: Record<string, unknown> };
}

/** A request the fake received. */
export interface FakeIamRequest {
  n: number;
  action: string;
  params: Record<string, string>;
  outcome: 'served' | 'throttled' | 'error';
}

const NS = 'https://iam.amazonaws.com/doc/2010-05-08/';
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const tag = (name: string, value: string | undefined) => (value === undefined ? '' : `<${name}>${esc(value)}</${name}>`);

function serviceXml(s: FakeService): string {
  const tracked = (s.tracked ?? []).map((t) => `<member>${tag('ActionName', t.action)}${tag('LastAccessedTime', t.at)}${tag('LastAccessedRegion', t.region)}</member>`).join('');
  return (
    `<member>${tag('ServiceName', s.name ?? s.namespace)}${tag('ServiceNamespace', s.namespace)}${tag('LastAuthenticated', s.lastAuthenticated)}` +
    `${tag('LastAuthenticatedRegion', s.region)}<TotalAuthenticatedEntities>${s.lastAuthenticated ? 1 : 0}</TotalAuthenticatedEntities>` +
    `${s.tracked ? `<TrackedActionsLastAccessed>${tracked}</TrackedActionsLastAccessed>` : ''}</member>`
  );
}

/** The running fake: its endpoint, what it received, and how to stop it. */
export class FakeIamLastAccessed {
  readonly requests: FakeIamRequest[] = [];
  private server?: Server;
  private readonly jobs = new Map<string, { polls: number }>();

  constructor(private readonly opts: FakeIamOptions) {}

  /** Starts on a free loopback port; resolves to the endpoint URL. */
  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const params = Object.fromEntries(new URLSearchParams(body));
        const { status, xml } = this.answer(params);
        res.writeHead(status, { 'content-type': 'text/xml' });
        res.end(xml);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Stops the server. */
  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private answer(params: Record<string, string>): { status: number; xml: string } {
    const n = this.requests.length + 1;
    const action = params.Action ?? '';
    const record = (outcome: FakeIamRequest['outcome']) => this.requests.push({ n, action, params, outcome });
    if (this.opts.throttle?.includes(n)) {
      record('throttled');
      return error('Throttling', 'Rate exceeded');
    }
    if (action === 'GenerateServiceLastAccessedDetails') {
      const jobId = `job-${this.jobs.size + 1}`;
      this.jobs.set(jobId, { polls: 0 });
      record('served');
      return ok(action, tag('JobId', jobId));
    }
    if (action === 'GetServiceLastAccessedDetails') {
      const job = this.jobs.get(params.JobId ?? '');
      if (!job) {
        record('error');
        return error('NoSuchEntity', `No such job ${params.JobId}`);
      }
      record('served');
      return ok(action, this.page(job, params));
    }
    const role = this.roleAnswer(action, params);
    if (role) {
      record(role.status === 200 ? 'served' : 'error');
      return role;
    }
    record('error');
    return error('InvalidAction', `Could not find operation ${action}`);
  }

  /** The role reads, or undefined for another action. */
  private roleAnswer(action: string, params: Record<string, string>): { status: number; xml: string } | undefined {
    const role = this.opts.role;
    if (!role || !['GetRole', 'ListRolePolicies', 'GetRolePolicy', 'ListAttachedRolePolicies'].includes(action)) return undefined;
    const name = role.arn.slice(role.arn.lastIndexOf('/') + 1);
    if (params.RoleName !== name) return error('NoSuchEntity', `The role with name ${params.RoleName} cannot be found.`);
    if (action === 'GetRole') {
      return ok(action, `<Role><Path>/</Path>${tag('RoleName', name)}<RoleId>AROAFAKE</RoleId>${tag('Arn', role.arn)}<CreateDate>2026-01-01T00:00:00Z</CreateDate></Role>`);
    }
    if (action === 'ListRolePolicies') return ok(action, `<PolicyNames>${Object.keys(role.inline).map((p) => tag('member', p)).join('')}</PolicyNames><IsTruncated>false</IsTruncated>`);
    if (action === 'ListAttachedRolePolicies') return ok(action, '<AttachedPolicies/><IsTruncated>false</IsTruncated>');
    const doc = role.inline[params.PolicyName ?? ''];
    if (doc === undefined) return error('NoSuchEntity', `The role policy with name ${params.PolicyName} cannot be found.`);
    return ok(action, `${tag('RoleName', name)}${tag('PolicyName', params.PolicyName)}${tag('PolicyDocument', encodeURIComponent(JSON.stringify(doc)))}`);
  }

  private page(job: { polls: number }, params: Record<string, string>): string {
    const created = tag('JobCreationDate', this.opts.jobCreatedAt ?? '2026-12-07T10:00:00Z');
    if (job.polls++ < (this.opts.inProgressPolls ?? 0)) return `<JobStatus>IN_PROGRESS</JobStatus><JobType>ACTION_LEVEL</JobType>${created}<ServicesLastAccessed/>`;
    const done = `${created}${tag('JobCompletionDate', '2026-12-07T10:00:05Z')}`;
    if (this.opts.fail) return `<JobStatus>FAILED</JobStatus>${done}<ServicesLastAccessed/><Error>${tag('Message', this.opts.fail.message)}${tag('Code', this.opts.fail.code)}</Error>`;
    const size = Number(params.MaxItems ?? 100);
    const from = Number(params.Marker ?? 0);
    const slice = this.opts.services.slice(from, from + size);
    const more = from + size < this.opts.services.length;
    return (
      `<JobStatus>COMPLETED</JobStatus><JobType>ACTION_LEVEL</JobType>${done}<IsTruncated>${more}</IsTruncated>` +
      `${more ? tag('Marker', String(from + size)) : ''}<ServicesLastAccessed>${slice.map(serviceXml).join('')}</ServicesLastAccessed>`
    );
  }
}

function ok(action: string, inner: string): { status: number; xml: string } {
  return {
    status: 200,
    xml: `<${action}Response xmlns="${NS}"><${action}Result>${inner}</${action}Result><ResponseMetadata><RequestId>fake-request</RequestId></ResponseMetadata></${action}Response>`,
  };
}

function error(code: string, message: string): { status: number; xml: string } {
  return { status: 400, xml: `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type>${tag('Code', code)}${tag('Message', message)}</Error><RequestId>fake-request</RequestId></ErrorResponse>` };
}
