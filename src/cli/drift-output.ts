/**
 * `drift`'s inputs and outputs besides the logs: the formats asked for and where each goes (`--out FILE`, one
 * format; `--out-dir DIR`, `drift.<ext>` per format; stdout otherwise), the previous report (`--previous-report`,
 * checked against the published schema), and the rendering of each format.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { PreviousReport } from '../core/drift/compare.js';
import { DRIFT_REPORT_VERSION, type DriftReport, type SourceLocation } from '../core/drift/types.js';
import { CliError, usageError } from './errors.js';
import type { CliIo } from './io.js';
import { listOption } from './options.js';
import { checkOutputTargets, writeResults, type ResultOutput } from './output.js';
import { readJsonFile } from './read-json.js';

/** The formats, in the order written with `--out-dir`, and each one's file name there. */
export const DRIFT_FORMATS = ['md', 'json', 'sarif', 'html'] as const;

/** One of {@link DRIFT_FORMATS}. */
export type DriftFormat = (typeof DRIFT_FORMATS)[number];

/** The formats asked for (each once, in the order given; `md` when none) and where each goes. */
export function driftOutputs(args: Record<string, unknown>): { format: DriftFormat; path: string | undefined }[] {
  const asked = listOption(args.format);
  const formats: DriftFormat[] = [];
  for (const f of asked) {
    if (!(DRIFT_FORMATS as readonly string[]).includes(f)) throw usageError(`--format ${f}: expected one of ${DRIFT_FORMATS.join(', ')}`);
    if (!formats.includes(f as DriftFormat)) formats.push(f as DriftFormat);
  }
  if (formats.length === 0) formats.push('md');
  const out = args.out as string | undefined;
  const outDir = args['out-dir'] as string | undefined;
  if (out !== undefined && outDir !== undefined) throw usageError('give --out FILE (one format) or --out-dir DIR (drift.<format> per format), not both');
  if (formats.length > 1 && outDir === undefined) {
    throw usageError(`${formats.length} formats asked for (${formats.join(', ')}): name a folder with --out-dir DIR for them`, 'With one --format, the report goes to stdout or --out FILE; with several, each is written to DIR/drift.<format>.');
  }
  return formats.map((format) => ({ format, path: outDir !== undefined ? join(outDir, `drift.${format}`) : out }));
}

/**
 * The report files may not replace an input (the configuration file, the previous report, the trail
 * configuration, local trail files) or each other, unless `--force`: a scheduled run that overwrote its previous
 * report or its configuration would lose what the next run compares against.
 */
export async function checkDriftOutputs(args: Record<string, unknown>, outputs: ReturnType<typeof driftOutputs>, configFile: string | undefined): Promise<void> {
  const trails = ((args.trail as string[] | undefined) ?? []).filter((t) => !t.startsWith('s3://'));
  const named = (option: string, value: unknown) => (value !== undefined ? [{ option, path: String(value) }] : []);
  await checkOutputTargets(
    outputs.map(({ path }) => ({ option: args['out-dir'] !== undefined ? '--out-dir' : '--out', path })),
    [
      ...(configFile !== undefined ? [{ option: '--config', path: configFile }] : []),
      ...named('--previous-report', args['previous-report']),
      ...named('--trail-config', args['trail-config']),
      ...trails.map((path) => ({ option: '--trail', path })),
    ],
    Boolean(args.force),
  );
}

/** Renders each format and writes them together (no file is replaced unless all could be written). */
export async function writeDriftOutputs(args: Record<string, unknown>, io: CliIo, report: DriftReport, outputs: ReturnType<typeof driftOutputs>, sarifFallback: SourceLocation): Promise<void> {
  const outDir = args['out-dir'] as string | undefined;
  if (outDir !== undefined) await mkdir(outDir, { recursive: true });
  const texts: ResultOutput[] = [];
  for (const { format, path } of outputs) texts.push({ text: await render(format, report, sarifFallback), path });
  await writeResults(texts, io);
}

/** One format's text; each renderer is loaded only when its format is asked for. */
async function render(format: DriftFormat, report: DriftReport, sarifFallback: SourceLocation): Promise<string | Iterable<string>> {
  switch (format) {
    case 'md':
      return (await import('../core/drift/render-markdown.js')).renderDriftMarkdown(report);
    case 'json':
      return (await import('../core/drift/render-json.js')).driftReportJson(report);
    case 'sarif':
      return (await import('../core/drift/render-sarif.js')).renderDriftSarif(report, { fallback: sarifFallback });
    case 'html':
      return (await import('../core/drift/render-html.js')).renderDriftHtml(report);
  }
}

/**
 * The previous report (`--previous-report FILE`): a drift JSON report of this version. Anything else is an
 * error naming the file and what was found: comparing with a wrong file would report false drift.
 */
export async function readPreviousReport(file: string): Promise<PreviousReport> {
  const data = (await readJsonFile(file, 'previous drift report')) as Partial<DriftReport> | null;
  const problem = await previousProblem(data);
  if (problem) {
    throw new CliError('previous-report-invalid', `${file}: ${problem}`, 'Give the JSON report of an earlier `policy-trim drift --format json` run (the artefact the scheduled workflow keeps).');
  }
  return data as PreviousReport;
}

/**
 * What makes `data` unusable as a previous report, or undefined: first the questions a person asks (is it a
 * drift report? of this version?), then the published schema, naming the first places it fails.
 */
async function previousProblem(data: Partial<DriftReport> | null): Promise<string | undefined> {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return 'not a drift report (expected a JSON object)';
  if (data.schema !== 'https://policy-trim.dev/schemas/drift-report.json') return 'not a drift report (its "schema" is not policy-trim\'s drift report)';
  if (data.version !== DRIFT_REPORT_VERSION) return `a drift report of version ${String(data.version)}; this policy-trim reads version ${DRIFT_REPORT_VERSION}`;
  const errors = (await import('../core/drift/validate.js')).driftReportErrors(data);
  if (errors.length === 0) return undefined;
  const shown = errors.slice(0, 3).map((e) => `${e.instancePath || '(the report)'} ${e.message ?? e.keyword}`);
  return `does not follow docs/drift-report.schema.json: ${shown.join('; ')}${errors.length > 3 ? ` (and ${errors.length - 3} more)` : ''}`;
}
