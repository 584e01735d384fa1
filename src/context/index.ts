/** context/: the build context — a directory, its ignore rules, and COPY source matching. */
export { openContext, type BuildContext, type OpenContextOptions } from './build-context.js';
export { rootfsTree, type SourceTree } from './source-tree.js';
export { resolveCopySources, type CopySourceOptions } from './copy-sources.js';
export { ignoreRules, parseIgnoreFile, type IgnoreRules } from './ignore-rules.js';
export { archiveCompression } from './archive-source.js';
export { detectCompression, openDecompressed, type Compression } from './decompress.js';
export { downloadUrlSource, isUrlSource, urlFileName } from './url-source.js';
export { isGitSource } from './git-source.js';
export { isCommitSha, parseGitSource, redactGitUrl, type GitScheme, type GitSource } from './git-ref.js';
export { gitAuthorization, type GitAuthorization, type SecretLookup } from './git-auth.js';
export { gitCli, type GitCli, type GitRunOptions } from './git-command.js';
export { resolveGitRef, type ResolvedGitRef } from './git-resolve.js';
export { checkoutGitSource, type GitCheckout, type GitCheckoutOptions } from './git-checkout.js';
export { spoolStream, unpackContextArchive, type UnpackContextOptions } from './context-archive.js';
export { downloadFile } from './download-file.js';
export { cloneGitContext, type GitContextOptions, type GitContextSpec } from './git-context.js';
