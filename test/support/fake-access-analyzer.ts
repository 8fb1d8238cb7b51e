/**
 * A local HTTP fake of IAM Access Analyzer's custom policy checks (moto implements neither), speaking the
 * REST-JSON protocol of its API reference: `POST /policy/check-no-new-access` with `existingPolicyDocument`,
 * `newPolicyDocument`, `policyType`; `POST /policy/check-access-not-granted` with `policyDocument`, `access`,
 * `policyType`; answers `{result, message, reasons}`; errors carry `x-amzn-ErrorType` and a JSON `message`.
 *
 * Behaviour spec (the fake's own rules, for tests):
 * - `decide(existing, updated)` says PASS or FAIL with reasons (default PASS); `granted(policy, actions)` likewise.
 * - A document longer than `maxChars` (when set) is refused: 400 ValidationException "policy document exceeds the
 *   maximum length" (AWS documents no limit; this stands in for whatever AWS answers when one is too large).
 * - `throttle` lists 1-based request numbers answered 429 ThrottlingException (not served).
 * - Every request is recorded (path, body, outcome).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An answer of the fake. */
export interface FakeAnswer {
  result: 'PASS' | 'FAIL';
  message?: string;
  reasons?: { description: string; statementIndex?: number; statementId?: string }[];
}

/** Options of the fake. */
export interface FakeAccessAnalyzerOptions {
  decide?: (existing: string, updated: string) => FakeAnswer;
  granted?: (policy: string, actions: string[]) => FakeAnswer;
  maxChars?: number;
  throttle?: number[];
}

/** A request the fake received. */
export interface FakeAnalyzerRequest {
  n: number;
  path: string;
  body: Record<string, unknown>;
  outcome: 'served' | 'throttled' | 'refused';
}

/** The running fake. */
export class FakeAccessAnalyzer {
  readonly requests: FakeAnalyzerRequest[] = [];
  private server?: Server;

  constructor(private readonly opts: FakeAccessAnalyzerOptions = {}) {}

  /** Starts on a free loopback port; resolves to the endpoint URL. */
  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      let text = '';
      req.on('data', (c) => (text += c));
      req.on('end', () => {
        const { status, body, type } = this.answer(req.url ?? '', text ? (JSON.parse(text) as Record<string, unknown>) : {});
        res.writeHead(status, { 'content-type': 'application/json', ...(type ? { 'x-amzn-errortype': type } : {}) });
        res.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Stops the server. */
  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private answer(path: string, body: Record<string, unknown>): { status: number; body: unknown; type?: string } {
    const n = this.requests.length + 1;
    const record = (outcome: FakeAnalyzerRequest['outcome']) => this.requests.push({ n, path, body, outcome });
    if (this.opts.throttle?.includes(n)) {
      record('throttled');
      return { status: 429, type: 'ThrottlingException', body: { message: 'Rate exceeded' } };
    }
    const docs = [body.existingPolicyDocument, body.newPolicyDocument, body.policyDocument].filter((d): d is string => typeof d === 'string');
    if (this.opts.maxChars !== undefined && docs.some((d) => d.length > this.opts.maxChars!)) {
      record('refused');
      return { status: 400, type: 'ValidationException', body: { message: 'policy document exceeds the maximum length', reason: 'other' } };
    }
    if (path === '/policy/check-no-new-access') {
      record('served');
      return { status: 200, body: this.opts.decide?.(String(body.existingPolicyDocument), String(body.newPolicyDocument)) ?? { result: 'PASS', message: 'The updated policy does not grant new access.', reasons: [] } };
    }
    if (path === '/policy/check-access-not-granted') {
      record('served');
      const actions = ((body.access as { actions?: string[] }[] | undefined)?.[0]?.actions ?? []) as string[];
      return { status: 200, body: this.opts.granted?.(String(body.policyDocument), actions) ?? { result: 'PASS', message: 'The policy document does not grant access to perform the listed actions.', reasons: [] } };
    }
    record('refused');
    return { status: 404, type: 'ResourceNotFoundException', body: { message: `no route ${path}` } };
  }
}
