import { PROCESSOR_KINDS } from '../core/processors/pipeline-topics.ts';
import { runProcessorService } from '../pipeline/processor-service.ts';

// configs.observed.v1 -> configs.current.v1 (see services/core/processors/merger.ts).
process.exitCode = await runProcessorService(PROCESSOR_KINDS.merger, process.env);
