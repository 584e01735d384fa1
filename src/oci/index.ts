/** oci/: pure data — digests, media types, schemas, references, platforms, the error base. */
export * from './errors.js';
export * from './digest.js';
export * from './media-types.js';
export * from './schemas.js';
export * from './platform.js';
export * from './reference.js';
