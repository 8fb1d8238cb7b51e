/**
 * Lambda function directory: functions with their execution roles, one or more regions.
 */
import { GetFunctionConfigurationCommand, ListEventSourceMappingsCommand, ListFunctionsCommand, type FunctionConfiguration, type LambdaClient } from '@aws-sdk/client-lambda';
import type { EventSourceMapping, FunctionDirectory, FunctionInfo } from '../../core/ports/function-directory.js';
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
            ...configurationFacts(f),
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
      ...configurationFacts(out),
    };
  }

  /** @inheritdoc */
  async eventSourceMappings(fn: FunctionInfo): Promise<EventSourceMapping[]> {
    const out: EventSourceMapping[] = [];
    let marker: string | undefined;
    do {
      // By name in the function's Region (the client is regional): moto matches names only; AWS takes either.
      const page = await callAws({ action: 'lambda:ListEventSourceMappings', resource: fn.arn || fn.name, profile: this.opts.profile }, () =>
        this.clientFor(fn.region).send(new ListEventSourceMappingsCommand({ FunctionName: fn.name, Marker: marker })),
      );
      for (const m of page.EventSourceMappings ?? []) if (m.EventSourceArn) out.push({ functionName: fn.name, sourceArn: m.EventSourceArn });
      marker = page.NextMarker || undefined;
    } while (marker);
    return out.sort((a, b) => (a.sourceArn < b.sourceArn ? -1 : a.sourceArn > b.sourceArn ? 1 : 0));
  }
}

/** What a function's configuration says of its VPC and tracing (what its Lambda baselines follow). */
function configurationFacts(f: Pick<FunctionConfiguration, 'VpcConfig' | 'TracingConfig'>): Pick<FunctionInfo, 'vpc' | 'tracing'> {
  const vpc = f.VpcConfig ? { vpc: (f.VpcConfig.SubnetIds?.length ?? 0) > 0 } : {};
  const mode = f.TracingConfig?.Mode;
  const tracing = mode === 'Active' ? { tracing: 'active' as const } : mode === 'PassThrough' ? { tracing: 'pass-through' as const } : {};
  return { ...vpc, ...tracing };
}
