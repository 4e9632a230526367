// Entry point of the embedded mode (one process, no Kafka). The pipeline is wired by a
// later issue; until then this says so instead of pretending to run.
process.stdout.write('submerge: the embedded pipeline is not built yet (see the open issues).\n');
