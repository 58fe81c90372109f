import { defineConfig } from 'vitest/config';

// Workspace packages export their TypeScript sources under the `@outpace/source`
// condition, so tests run against src/ without building first.
const conditions = ['@outpace/source', 'module', 'node', 'development|production'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@outpace/source'] } },
  test: {
    include: ['packages/*/{src,test}/**/*.test.{ts,tsx}', 'examples/*/{src,test}/**/*.test.{ts,tsx}'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
