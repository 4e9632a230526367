import { PROCESSOR_KINDS } from '../core/processors/pipeline-topics.ts';
import { runProcessorService } from '../pipeline/processor-service.ts';

// sources.fetched.v1 -> configs.observed.v1 + sources.snapshots.v1 (see services/core/processors/parser.ts).
process.exitCode = await runProcessorService(PROCESSOR_KINDS.parser, process.env);
