/**
 * `parseConfig`: the text of `.policy-trim.yml` → the checked configuration, or one ConfigError listing every
 * problem (YAML syntax, the schema, the rules), each with its line and column.
 */
import { ConfigError } from './errors.js';
import { normalizeConfig } from './normalize.js';
import { schemaProblems } from './schema-errors.js';
import { ruleProblems } from './semantic.js';
import type { ConfigProblem, ParsedConfig, RepositoryConfigFile } from './types.js';
import { readYaml } from './yaml-source.js';

/** Options of {@link parseConfig}. */
export interface ParseConfigOptions {
  /** Today, for the expiry of acknowledgements (pure: the caller's clock). Without it nothing expires. */
  now?: Date;
}

/**
 * Parses and checks the configuration. `fileName` is only used in messages. Throws ConfigError
 * (`config-invalid`) with every problem found, in file order; warnings come back with the configuration.
 */
export function parseConfig(text: string, fileName: string, options: ParseConfigOptions = {}): ParsedConfig {
  const src = readYaml(text, fileName);
  const problems: ConfigProblem[] = [...src.problems];
  let warnings: ConfigProblem[] = [];
  // A syntax error leaves no value to check; a problem of a readable document (a tag policy-trim does not
  // read) does, so the schema's problems are reported in the same run.
  if (src.value !== undefined || problems.length === 0) {
    if (src.value === undefined || src.value === null) {
      problems.push({ file: fileName, line: 1, column: 1, path: '', message: 'the file is empty: it needs at least `version: 1`' });
    } else if (typeof src.value !== 'object' || Array.isArray(src.value)) {
      problems.push({ ...problemStart(fileName, src.locate([])), message: 'expected a mapping of keys (version, roles, ...) at the top of the file' });
    } else {
      problems.push(...schemaProblems(src.value, src, fileName));
      const rules = ruleProblems(src.value, src, fileName, options.now);
      problems.push(...rules.errors);
      warnings = inFileOrder(rules.warnings);
    }
  }
  if (problems.length) {
    throw new ConfigError({ code: 'config-invalid', file: fileName, problems: inFileOrder(problems) });
  }
  return {
    config: normalizeConfig(src.value as RepositoryConfigFile),
    file: fileName,
    warnings,
    locate: (path) => (src.has(path) ? src.locate(path) : undefined),
  };
}

function problemStart(file: string, at: { line: number; column: number }): Omit<ConfigProblem, 'message'> {
  return { file, line: at.line, column: at.column, path: '' };
}

/** By line, then column; stable, so problems at one node keep the order they were found in. */
function inFileOrder(problems: ConfigProblem[]): ConfigProblem[] {
  return [...problems].sort((a, b) => a.line - b.line || a.column - b.column);
}
