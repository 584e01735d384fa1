/**
 * zod schemas for the OCI / Docker schema2 JSON documents. They are the only source of these
 * types (`z.infer`). Unknown fields are kept (`looseObject`) so that a pulled config or manifest
 * round-trips without losing what we do not model.
 */
import { z } from 'zod';

const digestString = z.string().regex(/^sha(256:[a-f0-9]{64}|512:[a-f0-9]{128})$/, 'invalid digest');

export const PlatformSchema = z.looseObject({
  architecture: z.string(),
  os: z.string(),
  'os.version': z.string().optional(),
  'os.features': z.array(z.string()).optional(),
  variant: z.string().optional(),
});
export type Platform = z.infer<typeof PlatformSchema>;

export const DescriptorSchema = z.looseObject({
  mediaType: z.string(),
  digest: digestString,
  size: z.number().int().nonnegative(),
  urls: z.array(z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  platform: PlatformSchema.optional(),
  artifactType: z.string().optional(),
});
export type Descriptor = z.infer<typeof DescriptorSchema>;

export const ManifestSchema = z.looseObject({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  artifactType: z.string().optional(),
  config: DescriptorSchema,
  layers: z.array(DescriptorSchema),
  subject: DescriptorSchema.optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});
export type Manifest = z.infer<typeof ManifestSchema>;

export const IndexSchema = z.looseObject({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  manifests: z.array(DescriptorSchema),
  annotations: z.record(z.string(), z.string()).optional(),
});
export type Index = z.infer<typeof IndexSchema>;

export const HealthcheckSchema = z.looseObject({
  Test: z.array(z.string()).nullish(),
  Interval: z.number().optional(),
  Timeout: z.number().optional(),
  StartPeriod: z.number().optional(),
  StartInterval: z.number().optional(),
  Retries: z.number().optional(),
});

/** The `config` member of an image config: what a container starts with. */
export const ContainerConfigSchema = z.looseObject({
  User: z.string().optional(),
  ExposedPorts: z.record(z.string(), z.object({})).nullish(),
  Env: z.array(z.string()).nullish(),
  Entrypoint: z.array(z.string()).nullish(),
  Cmd: z.array(z.string()).nullish(),
  Volumes: z.record(z.string(), z.object({})).nullish(),
  WorkingDir: z.string().optional(),
  Labels: z.record(z.string(), z.string()).nullish(),
  StopSignal: z.string().optional(),
  Shell: z.array(z.string()).nullish(),
  Healthcheck: HealthcheckSchema.nullish(),
  OnBuild: z.array(z.string()).nullish(),
  ArgsEscaped: z.boolean().optional(),
});
export type ContainerConfig = z.infer<typeof ContainerConfigSchema>;

export const HistorySchema = z.looseObject({
  created: z.string().optional(),
  created_by: z.string().optional(),
  author: z.string().optional(),
  comment: z.string().optional(),
  empty_layer: z.boolean().optional(),
});
export type History = z.infer<typeof HistorySchema>;

export const ImageConfigSchema = z.looseObject({
  created: z.string().optional(),
  author: z.string().optional(),
  architecture: z.string(),
  os: z.string(),
  variant: z.string().optional(),
  'os.version': z.string().optional(),
  config: ContainerConfigSchema.optional(),
  rootfs: z.looseObject({ type: z.literal('layers'), diff_ids: z.array(digestString) }),
  history: z.array(HistorySchema).optional(),
});
export type ImageConfig = z.infer<typeof ImageConfigSchema>;
