import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The native-producer adapter's suites, outside the default projects because the native
// client is not a dependency: they would fail wherever it is not built.
export default defineConfig({
  root: fileURLToPath(new URL('../../..', import.meta.url)),
  test: {
    name: 'integration-native',
    include: ['test/integration/kafka-native/**/*.native.spec.ts'],
    globalSetup: ['test/helpers/require-components.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
