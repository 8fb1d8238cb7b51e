/**
 * Lambda function directory: functions with their execution roles, one or more regions.
 */
import { GetFunctionConfigurationCommand, ListFunctionsCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { FunctionDirectory, FunctionInfo } from '../../core/ports/function-directory.js';
import { callAws } from './errors.js';

/** The part of the Lambda client this adapter uses. */
export type LambdaSender = Pick<LambdaClient, 'send'>;

/** Options for {@link LambdaFunctionDirectory}. */
export interface LambdaDirectoryOptions {
  /** `MaxItems` for ListFunctions (API maximum 50). */
  pageSize?: number;
  profile?: string;
}

/** Lists functions in the given regions and resolves a function's role. */
export class LambdaFunctionDirectory implements FunctionDirectory {
  /**
   * @param clientFor returns the Lambda client of a region
   * @param regions regions to list (the first one is used to resolve a plain function name)
   */
  constructor(
    private readonly clientFor: (region: string) => LambdaSender,
    private readonly regions: readonly string[],
    private readonly opts: LambdaDirectoryOptions = {},
  ) {}

  /** @inheritdoc */
  async listFunctions(): Promise<FunctionInfo[]> {
    const all: FunctionInfo[] = [];
    for (const region of [...new Set(this.regions)].sort()) {
      const client = this.clientFor(region);
      let marker: string | undefined;
      do {
        const page = await callAws({ action: 'lambda:ListFunctions', resource: `region ${region}`, profile: this.opts.profile }, () =>
          client.send(new ListFunctionsCommand({ Marker: marker, MaxItems: this.opts.pageSize })),
        );
        for (const f of page.Functions ?? []) {
          if (!f.FunctionName || !f.FunctionArn) continue;
          all.push({
            name: f.FunctionName,
            arn: f.FunctionArn,
            roleArn: f.Role ?? '',
            region,
            ...(f.Runtime ? { runtime: f.Runtime } : {}),
            ...(f.LastModified ? { lastModified: f.LastModified } : {}),
          });
        }
        marker = page.NextMarker || undefined;
      } while (marker);
    }
    return all.sort((a, b) => {
      const ka = `${a.region}\0${a.name}`;
      const kb = `${b.region}\0${b.name}`;
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
  }

  /** @inheritdoc */
  async getFunction(nameOrArn: string): Promise<FunctionInfo> {
    // A full function ARN names its region; a plain name is looked up in the first region.
    const m = /^arn:aws[a-z-]*:lambda:([a-z0-9-]+):\d{12}:function:/.exec(nameOrArn);
    const region = m?.[1] ?? this.regions[0];
    const out = await callAws(
      { action: 'lambda:GetFunctionConfiguration', resource: nameOrArn, profile: this.opts.profile },
      () => this.clientFor(region).send(new GetFunctionConfigurationCommand({ FunctionName: nameOrArn })),
    );
    return {
      name: out.FunctionName ?? nameOrArn,
      arn: out.FunctionArn ?? '',
      roleArn: out.Role ?? '',
      region,
      ...(out.Runtime ? { runtime: out.Runtime } : {}),
      ...(out.LastModified ? { lastModified: out.LastModified } : {}),
    };
  }
}
