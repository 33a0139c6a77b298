// Prints one plain line, "N passed, N failed", so a CI log shows the browser suite's count.
import type { FullResult, Reporter, TestCase, TestResult } from "@playwright/test/reporter";

export default class SummaryReporter implements Reporter {
  private passed = 0;
  private failed = 0;
  private skipped = 0;

  onTestEnd(test: TestCase, result: TestResult) {
    if (result.status === "skipped") this.skipped++;
    else if (test.outcome() === "expected" || test.outcome() === "flaky") this.passed++;
    else if (result.retry === test.retries) this.failed++;
  }

  onEnd(result: FullResult) {
    console.log(`${this.passed} passed, ${this.failed} failed` + (this.skipped ? `, ${this.skipped} skipped` : ""));
    if (result.status !== "passed" && this.failed === 0) console.log(`browser suite status: ${result.status}`);
  }
}
