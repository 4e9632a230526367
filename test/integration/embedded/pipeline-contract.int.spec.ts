import { describePipelineContract } from '../../contract/pipeline.contract.ts';
import { pipelineFixture } from '../pipeline/pipeline-fixture.ts';

// The same pipeline contract the in-process bus and the embedded store pass, on the real broker and registry.
describePipelineContract('Kafka (Avro through the registry)', async () => {
  const fx = await pipelineFixture('it-pcontract');
  return {
    log: fx.log,
    topics: fx.topics,
    restart: () => Promise.resolve(fx.log),
    cleanup: () => fx.cleanup(),
  };
});
