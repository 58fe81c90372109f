import { it } from 'vitest';

/**
 * Decides what a telephony tier does when its peers are missing: run, fail (under `CI`, unless
 * `OUTPACE_TELEPHONY_ALLOW_SKIP=1` says a skip is accepted on that machine) or skip with a loud notice.
 * Returns true when the tier can run.
 */
export function gateTier(tier: string, reason: string | undefined): boolean {
  if (!reason) return true;
  const banner = `SKIPPED: ${tier} tier (${reason}; run scripts/telephony/ci-setup.sh to enable it)`;
  const line = '='.repeat(Math.min(banner.length, 118));
  console.warn(`\n${line}\n${banner}\n${line}\n`);
  if (process.env.CI && process.env.OUTPACE_TELEPHONY_ALLOW_SKIP !== '1') {
    it(`${tier} tier can run`, () => {
      throw new Error(
        `${banner}. Under CI this tier must run, or set OUTPACE_TELEPHONY_ALLOW_SKIP=1 on a machine where it cannot.`,
      );
    });
  }
  // Outside CI the caller's `describe.runIf(false)` reports the tier's tests as skipped; the banner says why.
  return false;
}
