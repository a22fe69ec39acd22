/**
 * Prints one plain closing line, `N passed, N failed, N skipped`, alone on a line, after vitest's own
 * summary: a runner-neutral line CI tooling can read without parsing coloured output.
 *
 * A test file that fails before its tests run (an import that cannot load, a crashing hook) counts as
 * one failure, and so does each unhandled error: vitest exits non-zero for both, and the line must
 * never say "0 failed" for a run that failed.
 */
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown> = []): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const mod of testModules) {
      let failedHere = 0;
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failedHere++;
        else skipped++;
      }
      if (failedHere === 0 && mod.state() === 'failed') failedHere = 1;
      failed += failedHere;
    }
    failed += unhandledErrors.length;
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
