import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const versionOf = (specifier: string): string => (require(specifier) as { version: string }).version;

/** Versions of the Outpace packages and of the runtime, reported by the health endpoint. */
export const versions = {
  server: versionOf('../package.json'),
  core: versionOf('@outpace/core/package.json'),
  compliance: versionOf('@outpace/compliance/package.json'),
  dialer: versionOf('@outpace/dialer/package.json'),
  adapters: versionOf('@outpace/adapters/package.json'),
  node: process.versions.node,
} as const;
