import type { RuleSetInput } from '../rules/rule-set.js';
import { canada } from './canada.js';
import { uk } from './uk.js';
import { usDebtCollection } from './us-debt-collection.js';
import { usFederal } from './us-federal.js';
import { usStates } from './us-states.js';

/**
 * Built-in rule sets, as data. Compose them with each other and with a
 * tenant's own rules (`composeRuleSets`, or pass an array as `rules`). Each
 * rule cites its source and says how far it was verified. They are
 * engineering aids, not legal advice: have counsel review them.
 */
export const presets: Readonly<{
  usFederal: RuleSetInput;
  usStates: RuleSetInput;
  usDebtCollection: RuleSetInput;
  canada: RuleSetInput;
  uk: RuleSetInput;
}> = Object.freeze({ usFederal, usStates, usDebtCollection, canada, uk });

export { canada, uk, usDebtCollection, usFederal, usStates };
