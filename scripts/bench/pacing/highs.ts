import type { HighsLike } from '@outpace/dialer/sim';
import highsModule from 'highs';

/**
 * Loads HiGHS (WebAssembly). `highs` ships CommonJS types for an ES module
 * default export, so the default import is normalised here.
 */
export async function loadHighs(): Promise<HighsLike> {
  const load = ((highsModule as unknown as { default?: unknown }).default ?? highsModule) as () => Promise<unknown>;
  return (await load()) as HighsLike;
}
