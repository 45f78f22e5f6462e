import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

extendZodWithOpenApi(z);

/** Creating and revoking API keys (api/app.ts). */

export const CreateApiKeyRequestSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    role: z.enum(['customer', 'engineer', 'manager', 'admin']),
    customerId: z.string().trim().min(1).max(200).optional(),
  })
  .strict()
  .openapi('CreateApiKeyRequest');

export const CreatedApiKeySchema = z
  .object({
    id: z.string(),
    key: z.string().openapi({ description: 'Shown once; only its hash is stored.' }),
    name: z.string(),
    role: z.string(),
    customerId: z.string().optional(),
  })
  .openapi('CreatedApiKey');

export const ApiKeyIdParamSchema = z.object({
  keyId: z.uuid().openapi({ param: { name: 'keyId', in: 'path' } }),
});
