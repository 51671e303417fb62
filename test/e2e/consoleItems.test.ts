// The console's transcript beyond plain text, in a real browser against a
// real gateway, real codex and the scripted model: reasoning collapsed, a file
// change as a diff, an MCP tool call with its arguments and result, and a
// running turn steered from the page.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { item, type MockRequest, type MockReply, reply, respond } from "../../src/testing/index.js";
import {
  type ConsoleGateway,
  isToolFollowUp,
  lastUserText,
  launchBrowser,
  screenshot,
  startConsoleGateway,
  startSessionOnPage,
  transcript,
  watchPage,
} from "../harness/browser.js";

const STEER = "also mention pears";
const SLOW = Array.from({ length: 60 }, (_, i) => `apple${i} `);
const PATCH = [
  "*** Begin Patch",
  "*** Update File: notes.txt",
  "@@",
  "-old line",
  "+new line",
  " kept",
  "*** End Patch",
];

function script(request: MockRequest): MockReply {
  const text = lastUserText(request.body);
  if (text.includes(STEER)) return reply.text("Steered: pears as well.");
  if (isToolFollowUp(request.body)) return reply.text(text.includes("remember") ? "Remembered." : "Patched.");
  if (text.includes("patch notes")) {
    return respond([
      item.reasoning("Weighing **two** ways to edit the file."),
      item.applyPatch(PATCH.join("\n")),
    ]);
  }
  if (text.includes("remember")) {
    return respond([item.mcpCall("codex-bridge", "memory_write", { key: "fruit", content: "kumquats" })]);
  }
  if (text.includes("slow apples")) {
    return respond([item.message(SLOW.join(""), { deltas: SLOW })], { eventDelayMs: 150 });
  }
  return reply.text("I do not know that one.");
}

let browser: Browser;
let gateway: ConsoleGateway;

beforeAll(async () => {
  gateway = await startConsoleGateway(script);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
});

async function open(prompt: string): Promise<{ page: Page; close: () => Promise<void> }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  const seen = watchPage(page);
  await page.goto(gateway.url);
  await page.locator('[data-connection="open"]').waitFor();
  await startSessionOnPage(page, gateway.workdir, prompt);
  return {
    page,
    close: async () => {
      expect(seen.errors).toEqual([]);
      await context.close();
    },
  };
}

describe("web console: what a turn does", () => {
  it("shows reasoning collapsed and a file change as a diff of removed and added lines", async () => {
    writeFileSync(join(gateway.workdir, "notes.txt"), "old line\nkept\n");
    const { page, close } = await open("please patch notes");
    await transcript(page)
      .locator('[data-kind="turn-end"]')
      .filter({ hasText: "completed" })
      .waitFor({ timeout: 90_000 });
    expect(readFileSync(join(gateway.workdir, "notes.txt"), "utf8")).toBe("new line\nkept\n");

    const reasoning = transcript(page).locator('[data-kind="reasoning"]');
    expect(await reasoning.locator("details").getAttribute("open")).toBeNull();
    expect(await reasoning.locator(".markdown").isVisible()).toBe(false);
    await reasoning.locator("summary").click();
    await expect.poll(() => reasoning.locator(".markdown").innerText()).toContain("Weighing two ways");
    expect(await reasoning.locator("strong").innerText()).toBe("two");

    const change = transcript(page).locator('[data-kind="file-change"]');
    expect(await change.innerText()).toContain("notes.txt");
    const lines = async (cls: string) =>
      (await change.locator(`.diff .${cls}`).allInnerTexts()).map((l) => l.trim());
    expect(await lines("del")).toEqual(["-old line"]);
    expect(await lines("add")).toEqual(["+new line"]);
    await expect
      .poll(() => transcript(page).locator('[data-kind="assistant"]').innerText())
      .toContain("Patched.");
    await screenshot(page, "file-change");
    await close();
  });

  it("shows an MCP tool call with its arguments and its result", async () => {
    const { page, close } = await open("please remember my fruit");
    await transcript(page)
      .locator('[data-kind="turn-end"]')
      .filter({ hasText: "completed" })
      .waitFor({ timeout: 90_000 });
    const call = transcript(page).locator('[data-kind="tool-call"]');
    expect(await call.locator("code").first().innerText()).toBe("codex-bridge.memory_write");
    const text = await call.innerText();
    expect(text).toContain("completed");
    expect(text).toContain('"content": "kumquats"');
    expect(text).toMatch(/result[\s\S]*fruit/);
    await expect
      .poll(() => transcript(page).locator('[data-kind="assistant"]').innerText())
      .toContain("Remembered.");
    await close();
  });

  it("steers a running turn from the page: the steer is shown and the model's next call carries it", async () => {
    const { page, close } = await open("tell me slow apples");
    const answer = transcript(page).locator('[data-kind="assistant"]').first();
    await expect.poll(() => answer.innerText(), { timeout: 90_000 }).toContain("apple3 ");
    await page.getByLabel("Steer the running turn").fill(STEER);
    await page.getByRole("button", { name: "Steer", exact: true }).click();
    await transcript(page)
      .locator('[data-kind="turn-end"]')
      .filter({ hasText: "completed" })
      .waitFor({ timeout: 90_000 });
    await expect
      .poll(() => transcript(page).locator('[data-kind="user"]').allInnerTexts())
      .toContainEqual(expect.stringContaining(STEER));
    await expect
      .poll(() => transcript(page).locator('[data-kind="assistant"]').allInnerTexts())
      .toContainEqual(expect.stringContaining("Steered: pears as well."));
    expect(gateway.mock.requests.some((r) => JSON.stringify(r.body.input).includes(STEER))).toBe(true);
    await close();
  });
});
