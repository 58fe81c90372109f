/**
 * @outpace/dialer/sim: a seeded discrete-event simulator of a campaign group
 * (batch `simulate` for benchmarks), the Markov-model LP oracle, and simulated
 * telephony and agents driven by a virtual clock for the runtime and demos.
 */
export { type AgentModel, type AgentModelInput, AgentModelSchema, type AgentState } from './agent-model.js';
export {
  type AgentCounts,
  type AgentStateEvent,
  createSimulatedAgents,
  type SimulatedAgent,
  type SimulatedAgents,
  type SimulatedAgentsOptions,
  SimulatedAgentsOptionsSchema,
} from './agents.js';
export {
  createSimulatedAgentsPort,
  type SimulatedAgentsPort,
  type SimulatedAgentsPortOptions,
  SimulatedAgentsPortOptionsSchema,
  SimulatedDispositionSchema,
} from './agents-port.js';
export { type Distribution, DistributionSchema, distributionMean, sampleDistribution } from './distributions.js';
export {
  buildOracleProgram,
  createOraclePacer,
  type HighsLike,
  highsSolver,
  type LinearProgramSolver,
  type OracleChoice,
  type OracleLinearProgram,
  type OracleModel,
  type OracleModelInput,
  OracleModelSchema,
  type PacingOracle,
  solvePacingOracle,
} from './oracle.js';
export {
  type CallOutcomeModel,
  type CallOutcomeModelInput,
  CallOutcomeModelSchema,
  type DrawnCall,
  drawCall,
  liveShareAt,
  mixAt,
  type OutcomeKind,
  type OutcomeMix,
  type OutcomeMixInput,
  OutcomeMixSchema,
} from './outcomes.js';
export { createSeededRandom, hashUniform, type Random } from './random.js';
export {
  type SimulationBucket,
  type SimulationOptions,
  SimulationOptionsSchema,
  type SimulationResult,
  simulate,
  type TraceEntry,
} from './simulate.js';
export {
  createSimulatedTelephony,
  type SimulatedTelephony,
  type SimulatedTelephonyOptions,
  SimulatedTelephonyOptionsSchema,
  type SimulatedTelephonyStats,
} from './telephony.js';
export {
  type CancelTimer,
  createRealTimeClock,
  createVirtualClock,
  type SimClock,
  type VirtualClock,
} from './virtual-clock.js';
