// One zod schema per input (STYLE.md practice 4); a mismatch is a 400 that
// names the field.
import { z } from 'zod';
import { invalid } from '../shared/app-error.js';

export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what = 'request'): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const where = issue.path.length ? issue.path.join('.') : what;
    throw invalid('validation_failed', `${where}: ${issue.message}`);
  }
  return result.data;
}

export const idParam = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
