import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ADMIN_PASSWORD } from "../../../src/server-core/admin-auth.js";
import type { RunningServer } from "../../../src/server-core/server.js";
import { tempDir } from "../helpers.js";
import { openBrowser, screenshot, type Browser } from "./browser.js";
import { startManagerServer } from "./manager-fixture.js";

let browser: Browser;
let dir: ReturnType<typeof tempDir>;
let server: RunningServer;

beforeAll(async () => {
  browser = await openBrowser();
});

afterAll(async () => {
  await browser?.close();
});

afterEach(async () => {
  await server?.close();
  dir?.remove();
});

const refused = (status: number) =>
  new RegExp(`Failed to load resource: the server responded with a status of ${status}`);

function expectConsole(expected: RegExp[]): void {
  const errors = browser.takeErrors();
  expect(errors.length, errors.join("\n")).toBe(expected.length);
  errors.forEach((error, index) => expect(error).toMatch(expected[index] as RegExp));
}

async function logIn(password: string): Promise<void> {
  await browser.page.fill("#login-password", password);
  await browser.page.click("#login-form button[type=submit]");
}

describe("web manager login states", () => {
  it("makes the default password be changed first, showing the rules it breaks", async () => {
    dir = tempDir();
    ({ server } = await startManagerServer(dir.path, 3, { changePassword: false }));
    const { page } = browser;
    await page.goto(server.url);
    await logIn(DEFAULT_ADMIN_PASSWORD);
    await page.waitForSelector("#password-form");
    expect(await page.textContent("#message")).toBe(
      "The default admin password must be changed first (lmkeeper server set-password)",
    );
    await screenshot(page, "change-password");
    await page.fill("#new-password", "weakpass");
    await page.fill("#new-password-again", "weakpass");
    await page.click("#password-form button[type=submit]");
    await expect
      .poll(() => page.textContent("#message"))
      .toBe(
        "The new password must contain at least one uppercase letter; must contain at least one digit; must contain at least one symbol other than ' \" \\",
      );
    await page.fill("#new-password", "Str0ng-Admin!");
    await page.fill("#new-password-again", "Str0ng-Admin!");
    await page.click("#password-form button[type=submit]");
    await page.waitForSelector("#features-table");
    expect(await page.textContent("#message")).toBe("Password changed");
    expectConsole([refused(403), refused(400)]);
  });

  it("shows the lockout after three wrong passwords", async () => {
    dir = tempDir();
    ({ server } = await startManagerServer(dir.path, 3));
    const { page } = browser;
    await page.evaluate("sessionStorage.clear()");
    await page.goto(`${server.url}/#/about`);
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      await logIn(`Wrong-Pass${attempt}!`);
      await expect
        .poll(() => page.textContent("#message"))
        .toBe("Access denied: Wrong admin user or password");
      await page.evaluate("document.getElementById('message').textContent = ''");
    }
    await logIn("Wrong-Pass4!");
    await expect
      .poll(() => page.textContent("#message"))
      .toBe(
        "Locked out: Too many failed logins: admin access is blocked for 10 minutes or until the server restarts",
      );
    await screenshot(page, "locked-out");
    expectConsole([refused(401), refused(401), refused(401), refused(429)]);
  });
});
