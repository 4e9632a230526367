// Readiness probe of the local Kafka broker: succeeds only when a real Metadata request is
// answered (an open port is not enough: the broker listener opens before it is unfenced).
// Usage: node metadata-probe.js 127.0.0.1:19092[,host:port...]
import { Kafka, logLevel } from 'kafkajs';

const brokers = (process.argv[2] ?? '').split(',').filter(Boolean);
if (brokers.length === 0) {
  console.error('usage: metadata-probe.js host:port[,host:port...]');
  process.exit(2);
}
const kafka = new Kafka({
  clientId: 'submerge-infra-probe',
  brokers,
  logLevel: logLevel.NOTHING,
  connectionTimeout: 2000,
  requestTimeout: 5000,
  retry: { retries: 0 },
});
const admin = kafka.admin();
try {
  await admin.connect();
  const cluster = await admin.describeCluster();
  if (cluster.brokers.length === 0) throw new Error('metadata lists no brokers');
  await admin.listTopics();
  console.log(
    `kafka ready: cluster ${cluster.clusterId}, controller ${cluster.controller}, ${cluster.brokers.length} broker(s)`,
  );
} catch (err) {
  console.error(`kafka not ready: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
} finally {
  await admin.disconnect().catch(() => undefined);
}
