import { z } from 'zod';

export const viewContextQuerySchema = z.object({
  file_name: z.string().min(1).max(1024).optional(),
  magic_key: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(1000),
  offset: z.coerce.number().int().min(0).default(0),
});
export type ViewContextQuery = z.output<typeof viewContextQuerySchema>;
