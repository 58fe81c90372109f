import { US_TERRITORIES } from './internal/postal.js';

/**
 * USPS/ISO codes of the US territories (`PR`, `VI`, `GU`, `AS`, `MP`, plus the
 * freely associated states `FM`, `MH`, `PW` and `UM`). Location candidates
 * carry a territory as their `country` (and as their `region`), as
 * libphonenumber does; US federal rules still reach PR, VI, GU, AS and MP.
 */
export const US_TERRITORY_CODES: ReadonlySet<string> = US_TERRITORIES;

/**
 * The country whose national rules a candidate falls under: `US` for the US
 * territories above, otherwise the country itself (Guernsey, Jersey and the
 * Isle of Man stay `GG`, `JE`, `IM`: UK rules do not apply there as such).
 *
 * @example
 * jurisdictionCountry('PR'); // 'US'
 */
export function jurisdictionCountry(country: string): string {
  return US_JURISDICTION.has(country) ? 'US' : country;
}

// The freely associated states (FM, MH, PW) are sovereign: not US jurisdiction.
const US_JURISDICTION = new Set(['PR', 'VI', 'GU', 'AS', 'MP', 'UM']);
