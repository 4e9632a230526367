import { defineConfig } from 'vitest/config';

// Three projects whose suffix states their cost: unit (pure, no I/O beyond files),
// integration (real Kafka / registry / chDB / sing-box from infra/local), e2e (whole services).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.unit.spec.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.int.spec.ts'],
          globalSetup: ['test/helpers/require-components.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Components are shared singletons on this machine; files run one after another.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.e2e.spec.ts'],
          globalSetup: ['test/helpers/require-components.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
