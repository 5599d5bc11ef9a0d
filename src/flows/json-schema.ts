/** The definition's JSON Schema (what an author writes), for builders and `waflow flows schema`. */
import * as z from 'zod';
import { FlowDefinitionSchema } from './definition.js';

export function flowJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(FlowDefinitionSchema, { io: 'input', target: 'draft-2020-12' });
}
