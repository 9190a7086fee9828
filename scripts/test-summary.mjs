// Prints the plain closing line CI reads ("N passed, N failed") from vitest's JSON report.
import { existsSync, readFileSync } from "node:fs";

const reportPath = process.argv[2] ?? "test-results/vitest.json";
if (!existsSync(reportPath)) {
  console.log("0 passed, 1 failed");
  process.exit(0);
}
const report = JSON.parse(readFileSync(reportPath, "utf8"));
const failedSuites = report.testResults.filter(
  (file) => file.status === "failed" && file.assertionResults.length === 0,
).length;
console.log(
  `${report.numPassedTests} passed, ${report.numFailedTests + failedSuites} failed` +
    (report.numPendingTests ? `, ${report.numPendingTests} skipped` : ""),
);
