import { INTEL_KINDS } from '../core/scoring/intel-topics.ts';
import { runIntelService } from '../intel/run-intel-service.ts';
import { startScorer } from './scorer-service.ts';

// configs.current.v1 + configs.probed.v1 (+ sources.health.v1 as a side table) -> configs.scored.v1.
process.exitCode = await runIntelService(
  INTEL_KINDS.scorer,
  'scorer',
  process.env,
  ({ config, log, topics, logger, registry }) =>
    startScorer({ log, topics, instance: config.SUBMERGE_INSTANCE_ID, logger, registry }),
);
