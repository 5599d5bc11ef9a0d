import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { insertFlow } from '../db/repositories/flows.js';
import { parseDefinition } from '../flows/definition.js';
import { flowJsonSchema } from '../flows/json-schema.js';
import { lintDefinition } from '../flows/lint.js';
import { UsageError, required, withDatabase } from './context.js';

const USAGE = `waflow flows lint FILE           check a definition (or { name, trigger, definition }) file
waflow flows schema              print the JSON Schema of a flow definition
waflow flows import FILE --user USER_ID [--name N] [--trigger T] [--activate]`;

interface FlowFile {
  name?: string;
  trigger?: string;
  definition: unknown;
}

function readFlowFile(path: string): FlowFile {
  const json: unknown = JSON.parse(readFileSync(path, 'utf8'));
  const wrapped = json !== null && typeof json === 'object' && 'definition' in json;
  return wrapped ? (json as FlowFile) : { definition: json };
}

/** Prints problems with their node ids; returns the parsed definition when it has no errors. */
function check(file: FlowFile): ReturnType<typeof parseDefinition> & { errors: number } {
  const parsed = parseDefinition(file.definition);
  if (!parsed.ok) {
    for (const issue of parsed.issues) process.stdout.write(`error  ${issue.nodeId ?? '-'}  ${issue.path}: ${issue.message}\n`);
    return { ...parsed, errors: parsed.issues.length };
  }
  const lint = lintDefinition(parsed.definition);
  for (const [level, issues] of [['error', lint.errors], ['warning', lint.warnings]] as const) {
    for (const issue of issues) process.stdout.write(`${level.padEnd(7)}${issue.nodeId ?? '-'}  ${issue.code}: ${issue.message}\n`);
  }
  return { ...parsed, errors: lint.errors.length };
}

export async function flowsCommand(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  if (action === 'schema') {
    process.stdout.write(`${JSON.stringify(flowJsonSchema(), null, 2)}\n`);
    return 0;
  }
  if (action === 'lint') {
    const path = rest[0];
    if (!path) throw new UsageError(USAGE);
    const result = check(readFlowFile(path));
    process.stdout.write(result.errors === 0 ? 'ok\n' : `${result.errors} error(s)\n`);
    return result.errors === 0 ? 0 : 1;
  }
  if (action === 'import') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { user: { type: 'string' }, name: { type: 'string' }, trigger: { type: 'string' }, activate: { type: 'boolean' } },
    });
    const path = positionals[0];
    if (!path) throw new UsageError(USAGE);
    const file = readFlowFile(path);
    const result = check(file);
    if (!result.ok || (values.activate && result.errors > 0)) return 1;
    const flow = await withDatabase((database) =>
      insertFlow(database.db, required(values, 'user'), {
        name: values.name ?? file.name ?? path,
        trigger: values.trigger ?? file.trigger ?? 'default',
        status: values.activate ? 'Active' : 'Draft',
        definition: result.definition,
      }),
    );
    process.stdout.write(`${JSON.stringify({ id: flow.id, name: flow.name, status: flow.status, version: flow.version })}\n`);
    return 0;
  }
  throw new UsageError(USAGE);
}
