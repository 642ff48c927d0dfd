// End-to-end tests in Debian's Chromium (/usr/bin/chromium, or $CHROMIUM_PATH): Playwright drives
// it through executablePath and never downloads a browser. tests/serve.sh makes a data directory
// with demo books and starts `amanat serve` on it with this build of the web app.
import { defineConfig } from "@playwright/test";

const port = Number(process.env.AMANAT_E2E_PORT ?? 18080);

export default defineConfig({
  testDir: "tests",
  outputDir: "test-results",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    browserName: "chromium",
    headless: true,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--disable-dev-shm-usage", "--disable-gpu"],
    },
    screenshot: "only-on-failure",
    trace: "off",
  },
  webServer: {
    command: `bash tests/serve.sh ${port}`,
    url: `http://127.0.0.1:${port}/api/v1/health`,
    reuseExistingServer: false,
    timeout: 180_000,
    stdout: "ignore",
    stderr: "pipe",
  },
});
