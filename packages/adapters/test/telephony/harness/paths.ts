import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** packages/adapters/test/fixtures/telephony */
export const FIXTURES = join(here, '..', '..', 'fixtures', 'telephony');
/** packages/adapters/src/asterisk/examples */
export const EXAMPLES = join(here, '..', '..', '..', 'src', 'asterisk', 'examples');
/** The Asterisk folder built by scripts/telephony/ci-setup.sh. */
export const ASTERISK_ROOT = process.env.OUTPACE_ASTERISK_ROOT ?? '/var/cache/outpace-asterisk/root';
/** Loopback ports of the telephony tiers (kept apart from other suites). */
export const PORTS = { ari: 28088, asteriskSip: 25062, carrier: 25065 } as const;
/** The number kamailio routes to the phone listening on `port` (see fixtures/telephony/kamailio/kamailio.cfg). */
export const numberFor = (port: number) => `+155500${port}`;
/** A number the carrier itself rejects with `code`. */
export const carrierRejects = (code: 404 | 480 | 486 | 503 | 603) => `+1555999${code}`;
