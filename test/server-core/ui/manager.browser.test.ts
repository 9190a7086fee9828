import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../../src/server-core/server.js";
import { type ManualClock, tempDir } from "../helpers.js";
import { openBrowser, screenshot, type Browser } from "./browser.js";
import { ADMIN_PASSWORD, checkout, startManagerServer } from "./manager-fixture.js";

const FEATURES = 10_000;
const MODEL = `model "site" {
  partitions { partition "cfd" { "solver" 1.0 4 } }
  rules { rule "cfd" { user "ana" } }
}
`;

let dir: ReturnType<typeof tempDir>;
let server: RunningServer;
let clock: ManualClock;
let browser: Browser;

beforeAll(async () => {
  dir = tempDir();
  ({ server, clock } = await startManagerServer(dir.path, FEATURES));
  await checkout(server, { feature: "solver", count: 3, user: "ana", host: "node01" });
  await checkout(server, { feature: "feat00042", count: 2, user: "bo", host: "node02" });
  clock.advance(20);
  server.sampleUsage();
  await checkout(server, { feature: "mesher", count: 1, user: "cy", host: "node03" });
  clock.advance(20);
  server.sampleUsage();
  browser = await openBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  dir?.remove();
});

/** Fails on any console error except the ones a refused request is expected to log. */
function expectConsole(expected: RegExp[] = []): void {
  const errors = browser.takeErrors();
  expect(errors.length, errors.join("\n")).toBe(expected.length);
  errors.forEach((error, index) => expect(error).toMatch(expected[index] as RegExp));
}

const refused = (status: number) =>
  new RegExp(`Failed to load resource: the server responded with a status of ${status}`);

describe("web manager in a browser", () => {
  it("denies a wrong password and logs in with the right one", async () => {
    const { page } = browser;
    await page.goto(server.url);
    await page.fill("#login-password", "Wrong-Pass1!");
    await page.click("#login-form button[type=submit]");
    await expect
      .poll(() => page.textContent("#message"))
      .toBe("Access denied: Wrong admin user or password");
    await screenshot(page, "login-denied");
    expectConsole([refused(401)]);
    expect(await page.evaluate("sessionStorage.length")).toBe(0);

    await page.fill("#login-password", ADMIN_PASSWORD);
    await page.click("#login-form button[type=submit]");
    await page.waitForSelector("#features-table");
    expect(await page.evaluate(`localStorage.getItem("lmkeeper.admin")`)).toBeNull();
    expect(await page.evaluate(`sessionStorage.getItem("lmkeeper.admin")`)).not.toBeNull();
    expectConsole();
  });

  it("pages through 10,000 features and finds one by name", async () => {
    const { page } = browser;
    expect(await page.textContent("#page-info")).toBe(
      "Page 1 of 201 (10004 features, 50 per page)",
    );
    expect(await page.locator("#features-table tbody tr").count()).toBe(50);
    const solver = await page
      .locator("#features-table tbody tr")
      .first()
      .locator("td")
      .allTextContents();
    expect(solver).toEqual([
      "solver",
      "1.0",
      "15",
      "3",
      "12",
      "30-jun-2028",
      "31-dec-2030",
      "0",
      "no",
      "yes",
    ]);
    await screenshot(page, "features");
    await page.click("#next-page");
    await expect
      .poll(() => page.textContent("#page-info"))
      .toBe("Page 2 of 201 (10004 features, 50 per page)");
    expect(await page.locator("#features-table tbody tr td").first().textContent()).toBe(
      "feat00047",
    );

    await page.fill("#feature-search", "feat00042");
    await page.click("#feature-search-form button[type=submit]");
    await expect
      .poll(() => page.textContent("#page-info"))
      .toBe("Page 1 of 1 (1 features, 50 per page)");
    expect(await page.locator("#features-table tbody tr td").allTextContents()).toEqual([
      "feat00042",
      "1.0",
      "2",
      "2",
      "0",
      "permanent",
      "permanent",
      "0",
      "no",
      "yes",
    ]);
    await page.click("#features-table a");
    await page.waitForSelector("#holders-table");
    expect(await page.locator("#holders-table tbody td").allTextContents()).toEqual([
      "node02",
      "bo",
      "node02",
      "2",
      "2026-11-23T12:01:00.000Z",
    ]);
    await screenshot(page, "feature-detail");
    expectConsole();
  });

  it("uses the page size set in Settings and shows the listen address", async () => {
    const { page } = browser;
    await page.goto(`${server.url}/#/settings`);
    await page.waitForSelector("#page-size-form");
    expect(await page.textContent("#listen-message")).toBe(
      `The server listens on 127.0.0.1:${server.port}`,
    );
    await page.fill("#page-size", "100");
    await page.click("#page-size-form button");
    await expect.poll(() => page.textContent("#message")).toBe("Page size set to 100");
    await page.fill("#listen-port", "7171");
    await page.click("#listen-form button");
    await expect
      .poll(() => page.textContent("#message"))
      .toBe(
        `Restart required: the server listens on 127.0.0.1:${server.port} until it restarts, then on 127.0.0.1:7171`,
      );
    await page.fill("#listen-bind", "no such host!");
    await page.click("#listen-form button");
    await expect
      .poll(() => page.textContent("#message"))
      .toMatch(/^Invalid request: bind: must be an IP address or a host name/);
    expectConsole([refused(400)]);
    await screenshot(page, "settings");
    await page.click("a[href='#/features']");
    await expect
      .poll(() => page.textContent("#page-info"))
      .toBe("Page 1 of 101 (10004 features, 100 per page)");
    expectConsole();
  });

  it("lists devices and a device's served features", async () => {
    const { page } = browser;
    await page.click("a[href='#/devices']");
    await page.waitForSelector("#devices-table");
    expect(await page.locator("#devices-table tbody tr td:first-child").allTextContents()).toEqual([
      "node01",
      "node02",
      "node03",
    ]);
    await screenshot(page, "devices");
    await page.click("#devices-table a >> text=node01");
    await page.waitForSelector("#device-features");
    expect(await page.locator("#device-features tbody td").allTextContents()).toEqual([
      "solver",
      "1.0",
      "3",
      "ana",
      "2026-11-23T12:01:00.000Z",
    ]);
    await screenshot(page, "device-detail");
    expectConsole();
  });

  it("adds a reservation group, shows why a bad one is refused, and deletes it", async () => {
    const { page } = browser;
    await page.click("a[href='#/reservations']");
    await page.waitForSelector("#no-reservations");
    await page.fill("#group-name", "lab");
    await page.fill("#entry-hostId", "node07");
    await page.fill("#entry-feature", "mesher");
    await page.fill("#entry-version", "1.0");
    await page.fill("#entry-count", "2");
    await page.click("#add-entry");
    await page.fill("#entry-hostId", "node08");
    await page.fill("#entry-count", "1");
    await page.click("#add-entry");
    expect(await page.locator("#pending-entries tr").count()).toBe(2);
    await page.click("#save-group");
    await page.waitForSelector("#reservations-table");
    expect(await page.textContent("#message")).toBe('Reservation group "lab" added');
    expect(
      await page.locator("#reservations-table tbody tr").first().locator("td").allTextContents(),
    ).toEqual(["lab", "node07", "STRING", "mesher", "1.0", "2", "satisfiable"]);
    await page.click("#export-groups");
    const exported = JSON.parse((await page.textContent("#export-text")) ?? "");
    expect(exported.groups[0].name).toBe("lab");
    await screenshot(page, "reservations");

    await page.fill("#group-name", "bad");
    await page.fill("#entry-hostId", "node09");
    await page.fill("#entry-feature", "solver");
    await page.fill("#entry-version", "one");
    await page.click("#add-entry");
    await page.click("#save-group");
    await expect
      .poll(() => page.textContent("#message"))
      .toContain("is not a version in numeric a.b format");
    expectConsole([refused(400)]);

    await page.click("[data-delete-group=lab]");
    await page.waitForSelector("#no-reservations");
    expect(await page.textContent("#message")).toBe('Reservation group "lab" deleted');
    expect(server.policy.reservations()).toEqual([]);
    expectConsole();
  });

  it("imports reservation groups from JSON and says why a bad file is refused", async () => {
    const { page } = browser;
    await page.setInputFiles("#import-file", {
      name: "broken.json",
      mimeType: "application/json",
      buffer: Buffer.from("{ groups: "),
    });
    await page.click("#import-groups");
    await expect.poll(() => page.textContent("#message")).toMatch(/^broken\.json is not JSON: /);
    const groups = {
      groups: [
        {
          name: "night",
          reservations: [
            { hostId: "ana", idType: "USER", feature: "mesher", version: "1.0", count: 1 },
          ],
        },
      ],
    };
    await page.setInputFiles("#import-file", {
      name: "groups.json",
      mimeType: "application/json",
      buffer: Buffer.from(JSON.stringify(groups)),
    });
    await page.click("#import-groups");
    await page.waitForSelector("#reservations-table");
    expect(await page.textContent("#message")).toBe("Imported night");
    expect(await page.locator("#reservations-table tbody tr td").allTextContents()).toEqual([
      "night",
      "ana",
      "USER",
      "mesher",
      "1.0",
      "1",
      "satisfiable",
    ]);
    await page.click("[data-delete-group=night]");
    await page.waitForSelector("#no-reservations");
    expectConsole();
  });

  it("uploads a model definition and shows the named pools", async () => {
    const { page } = browser;
    await page.click("a[href='#/pools']");
    await page.waitForSelector("#model-form");
    expect(await page.textContent("#model-name")).toBe("No model definition is loaded.");
    await page.setInputFiles("#model-file", {
      name: "site.model",
      mimeType: "text/plain",
      buffer: Buffer.from(MODEL),
    });
    await expect.poll(() => page.inputValue("#model-text")).toBe(MODEL);
    await page.click("#model-form button[type=submit]");
    await page
      .waitForSelector("section[data-pool=cfd]", { timeout: 5000 })
      .catch(async (error: unknown) => {
        throw new Error(`${String(error)} message: ${await page.textContent("#message")}`);
      });
    expect(await page.textContent("#message")).toBe('Model "site" loaded with pools cfd');
    expect(await page.locator("section[data-pool=cfd] tbody td").allTextContents()).toEqual([
      "solver",
      "1.0",
      "4",
      "3",
    ]);
    await screenshot(page, "pools");

    await page.fill("#model-text", 'model "x" {');
    await page.click("#model-form button[type=submit]");
    await expect.poll(() => page.getAttribute("#message", "class")).toBe("error");
    expect(await page.textContent("#message")).toMatch(/line/);
    expectConsole([refused(400)]);
  });

  it("draws the usage chart", async () => {
    const { page } = browser;
    await page.click("a[href='#/usage']");
    await page.waitForSelector("svg.chart[data-feature=solver]");
    expect(await page.locator("svg.chart").count()).toBe(8);
    const charted = await page
      .locator("svg.chart")
      .evaluateAll((charts) =>
        charts.slice(0, 3).map((chart) => chart.getAttribute("data-feature")),
      );
    expect(charted).toEqual(["solver", "feat00042", "mesher"]);
    expect(await page.locator("svg.chart[data-feature=solver] circle").count()).toBe(3);
    expect(await page.getAttribute("svg.chart[data-feature=solver] path.used", "d")).toMatch(
      /^M\S+ L\S+ L\S+$/,
    );
    await screenshot(page, "usage");
    expectConsole();
  });

  it("shows properties and about", async () => {
    const { page } = browser;
    await page.click("a[href='#/properties']");
    await page.waitForSelector("main[data-view=properties] dl");
    expect(await page.locator("dd").first().textContent()).toBe("60");
    await screenshot(page, "properties");
    await page.click("a[href='#/about']");
    await page.waitForSelector("main[data-view=about] dl");
    expect(await page.locator("dd").first().textContent()).toBe("lmkeeper license server");
    await screenshot(page, "about");
    expectConsole();
  });
});
