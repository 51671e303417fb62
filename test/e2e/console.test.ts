// The web console in a real browser (Debian's Chromium through playwright-core)
// against a real gateway process (`codex-bridge serve`, token-protected), the
// real codex binary and the scripted model. The page is reached through a TCP
// proxy the test can cut, to drop the WebSocket the way a network does.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server, type Socket, connect as tcpConnect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
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
import { runCli } from "../harness/cli.js";
import { taskOf, worker } from "../harness/kanban.js";

const TOKEN = "console-test-token-0123456789";
const STREAMED = Array.from({ length: 40 }, (_, i) => `word${i} `);

function script(request: MockRequest): MockReply {
  // A kanban worker (its prompt names the task): heartbeat, complete, then a last word.
  const task = taskOf(request.body);
  if (task) return worker.standard(request.body, `REPORT: ${task.title} is done`);
  const text = lastUserText(request.body);
  if (isToolFollowUp(request.body)) return reply.text("Done with the command.");
  if (text.includes("say hello")) return reply.text("**Hello** from the _mock_ model.", { deltas: 4 });
  if (text.includes("make-file")) {
    const name = /make-file (\S+)/.exec(text)?.[1] ?? "x.txt";
    return respond([item.execCommand(`touch ${name} && echo made-${name}`)]);
  }
  if (text.includes("long turn")) return reply.stall();
  if (text.includes("slow stream")) {
    return respond([item.message(STREAMED.join(""), { deltas: STREAMED })], { eventDelayMs: 60 });
  }
  if (text.includes("hostile")) {
    return reply.text(
      [
        "Look: <script>window.__pwned = 1; alert('script')</script>",
        "<img src=x onerror=\"alert('img')\">",
        "[click me](javascript:alert('link')) and [also](JaVaScRiPt:alert(1))",
        "<a href=\"javascript:alert('raw')\">raw link</a>",
        "[fine](https://example.com/ok)",
      ].join("\n\n"),
    );
  }
  return reply.text("I do not know that one.");
}

/** A TCP proxy in front of the gateway: `drop()` cuts every connection through it, as a network failure would. */
async function startProxy(): Promise<{
  port: number;
  target: (port: number) => void;
  drop: () => number;
  close: () => Promise<void>;
}> {
  let targetPort = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = tcpConnect(targetPort, "127.0.0.1");
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    target: (p) => (targetPort = p),
    drop: () => {
      const n = sockets.size;
      for (const s of sockets) s.destroy();
      return n;
    },
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

let browser: Browser;
let gateway: ConsoleGateway;
let proxy: Awaited<ReturnType<typeof startProxy>>;
let pageUrl: string;
let tokenDir: string;

beforeAll(async () => {
  proxy = await startProxy();
  tokenDir = mkdtempSync(join(tmpdir(), "console-token-"));
  const tokenFile = join(tokenDir, "token");
  writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
  gateway = await startConsoleGateway(script, {
    args: ["--token-file", tokenFile, "--allow-origin", `http://127.0.0.1:${proxy.port}`],
  });
  proxy.target(Number(new URL(gateway.url).port));
  pageUrl = `http://127.0.0.1:${proxy.port}/`;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
  await proxy?.close();
  if (tokenDir) rmSync(tokenDir, { recursive: true, force: true });
});

/** Opens the console in a fresh tab, answers the token prompt, waits for the connection. */
async function openConsole(): Promise<{
  context: BrowserContext;
  page: Page;
  seen: ReturnType<typeof watchPage>;
}> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  const seen = watchPage(page);
  await page.goto(pageUrl);
  await page.getByLabel("Token", { exact: true }).fill(TOKEN);
  await page.getByRole("button", { name: "Connect" }).click();
  await page.locator('[data-connection="open"]').waitFor();
  return { context, page, seen };
}

const startSession = (page: Page, prompt: string, options: { ask?: boolean } = {}) =>
  startSessionOnPage(page, gateway.workdir, prompt, options);

// Run in the page (this file is typechecked without the DOM library).
/** Form controls without a label, buttons and links without a name. */
const UNLABELLED = `[...document.querySelectorAll("input, select, textarea, button, a")]
  .filter((el) => el.matches("input, select, textarea")
    ? el.labels.length === 0 && !el.getAttribute("aria-label")
    : (el.getAttribute("aria-label") ?? el.textContent ?? "").trim() === "")
  .map((el) => el.outerHTML.slice(0, 80))`;
/** The focused element's text and outline. */
const FOCUSED = `(() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return { text: el.textContent, outline: style.outlineStyle, width: style.outlineWidth };
})()`;

describe("web console", () => {
  it("asks for the token once, keeps it for the tab only, and serves the page under a strict CSP", async () => {
    const probe = await browser.newContext();
    const response = await probe.request.get(pageUrl);
    expect(response.headers()["content-security-policy"]).toMatch(/default-src 'self'/);
    expect(response.headers()["content-security-policy"]).not.toMatch(/unsafe-inline|unsafe-eval/);
    await probe.close();

    const { context, page, seen } = await openConsole();
    expect(page.url()).not.toContain(TOKEN);
    expect(
      await page.evaluate(() =>
        (
          globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } }
        ).sessionStorage.getItem("codex-bridge.token"),
      ),
    ).toBe(TOKEN);
    expect(
      await page.evaluate(
        () => (globalThis as unknown as { localStorage: { length: number } }).localStorage.length,
      ),
    ).toBe(0);
    await page.reload();
    await page.locator('[data-connection="open"]').waitFor();
    expect(await page.getByLabel("Token", { exact: true }).count()).toBe(0);
    // Another tab of another browsing context starts without it.
    const other = await (await browser.newContext()).newPage();
    await other.goto(pageUrl);
    await other.getByLabel("Token", { exact: true }).waitFor();
    await screenshot(other, "token-prompt", "token");
    expect(seen.errors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);
    await other.context().close();
    await context.close();
  });

  it("starts a session from the page and shows the streamed answer as Markdown", async () => {
    const { context, page, seen } = await openConsole();
    await startSession(page, "please say hello");
    const answer = transcript(page).locator('[data-kind="assistant"]');
    await expect.poll(() => answer.innerText(), { timeout: 90_000 }).toContain("Hello from the mock model.");
    expect(await answer.locator("strong").innerText()).toBe("Hello");
    await transcript(page).locator('[data-kind="turn-end"]').filter({ hasText: "completed" }).waitFor();
    expect(await transcript(page).locator('[data-kind="turn-end"]').innerText()).toMatch(/tokens: \d+ in/);
    expect(await transcript(page).locator('[data-kind="user"]').innerText()).toContain("please say hello");
    await page.getByRole("list", { name: "Sessions" }).getByText("idle").first().waitFor();
    await screenshot(page, "session", "session");
    expect(seen.dialogs).toEqual([]);
    expect(seen.errors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);
    await context.close();
  });

  for (const decision of ["Accept", "Decline"] as const) {
    it(`shows a command approval; ${decision} from the page ${decision === "Accept" ? "runs it" : "keeps it from running"}`, async () => {
      const file = decision === "Accept" ? "accepted.txt" : "declined.txt";
      const { context, page } = await openConsole();
      await startSession(page, `please make-file ${file}`, { ask: true });
      const card = page.getByRole("region", { name: /Approval needed/ });
      await card.waitFor({ timeout: 90_000 });
      expect(await card.innerText()).toContain(`touch ${file}`);
      // A second tab on the same session sees the approval, and sees it resolved by the first tab's answer.
      const other = await openConsole();
      await other.page.goto(page.url());
      const otherCard = other.page.getByRole("region", { name: /Approval needed/ });
      await otherCard.waitFor({ timeout: 60_000 });
      if (decision === "Accept") await screenshot(page, "approval", "approval");
      await card.getByRole("button", { name: decision, exact: true }).click();
      await card.waitFor({ state: "detached", timeout: 60_000 });
      await otherCard.waitFor({ state: "detached", timeout: 60_000 });
      await transcript(other.page)
        .locator('[data-kind="notice"]')
        .filter({ hasText: `→ ${decision.toLowerCase()}` })
        .waitFor({ timeout: 60_000 });
      await other.context.close();
      const command = transcript(page).locator('[data-kind="command"]');
      await transcript(page).locator('[data-kind="turn-end"]').waitFor({ timeout: 90_000 });
      if (decision === "Accept") {
        await expect.poll(() => command.innerText()).toContain(`made-${file}`);
        expect(await command.innerText()).toContain("exit 0");
        expect(existsSync(join(gateway.workdir, file))).toBe(true);
        await screenshot(page, "command-output", "command");
      } else {
        expect(await command.innerText()).toContain("declined");
        expect(existsSync(join(gateway.workdir, file))).toBe(false);
      }
      await context.close();
    });
  }

  it("labels every control and keeps the keyboard focus visible", async () => {
    const { context, page } = await openConsole();
    await startSession(page, "please say hello");
    await transcript(page).locator('[data-kind="turn-end"]').waitFor({ timeout: 90_000 });
    for (const hash of [new URL(page.url()).hash, "#/board"]) {
      await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
      await page.locator("main").waitFor();
      // Every form control has a label (a <label> or aria-label); every button and link has a name.
      const unlabelled = await page.evaluate<string[]>(UNLABELLED);
      expect(unlabelled).toEqual([]);
    }
    // Tab from the top: the skip link first, then the navigation; the focused element shows an outline.
    await page.evaluate(`location.hash = "#/"`);
    await page.reload();
    await page.locator('[data-connection="open"]').waitFor();
    await page.keyboard.press("Tab");
    const first = await page.evaluate<{ text: string; outline: string; width: string }>(FOCUSED);
    expect(first.text).toBe("Skip to content");
    expect(first.outline).not.toBe("none");
    expect(parseFloat(first.width)).toBeGreaterThanOrEqual(2);
    // The new-session form is reachable and usable from the keyboard alone.
    await page.getByLabel("First prompt").focus();
    await page.keyboard.type("please say hello again");
    await page.keyboard.press("Tab");
    expect(await page.evaluate<string>(`document.activeElement.textContent`)).toBe("Start session");
    await page.keyboard.press("Enter");
    await page.waitForURL(/#\/s\//);
    await transcript(page)
      .locator('[data-kind="user"]')
      .filter({ hasText: "again" })
      .waitFor({ timeout: 60_000 });
    await context.close();
  });

  it("cancels a long turn from the page", async () => {
    const { context, page } = await openConsole();
    await startSession(page, "a long turn please");
    const cancel = page.getByRole("button", { name: "Cancel turn" });
    await cancel.waitFor({ timeout: 90_000 });
    await cancel.click();
    await transcript(page)
      .locator('[data-kind="turn-end"]')
      .filter({ hasText: "interrupted" })
      .waitFor({ timeout: 90_000 });
    await expect.poll(() => page.getByTestId("session-status").innerText()).not.toBe("running");
    await context.close();
  });

  it("shows a dropped connection, reconnects from its cursor and shows every event once", async () => {
    const { context, page } = await openConsole();
    await startSession(page, "a slow stream please");
    const answer = transcript(page).locator('[data-kind="assistant"]');
    await expect.poll(() => answer.innerText(), { timeout: 90_000 }).toContain("word3 ");
    expect(proxy.drop()).toBeGreaterThan(0);
    await page.locator('[data-connection="reconnecting"]').waitFor({ timeout: 30_000 });
    await screenshot(page, "reconnecting", "reconnecting");
    await page.locator('[data-connection="open"]').waitFor({ timeout: 60_000 });
    await transcript(page).locator('[data-kind="turn-end"]').waitFor({ timeout: 90_000 });
    // Every delta exactly once: the text is whole, one message, every seq applied once.
    expect((await answer.locator(".markdown").innerText()).trim()).toBe(STREAMED.join("").trim());
    expect(await answer.count()).toBe(1);
    expect(await transcript(page).locator('[data-kind="user"]').count()).toBe(1);
    const list = transcript(page);
    const [applied, lastSeq, duplicates] = await Promise.all(
      ["data-applied", "data-last-seq", "data-duplicates"].map(async (a) =>
        Number(await list.getAttribute(a)),
      ),
    );
    expect(lastSeq).toBeGreaterThan(STREAMED.length);
    expect(applied).toBe(lastSeq);
    expect(duplicates).toBe(0);
    await context.close();
  });

  it("renders a transcript with <script> and javascript: links inert", async () => {
    const { context, page, seen } = await openConsole();
    await startSession(page, "a hostile answer please");
    const answer = transcript(page).locator('[data-kind="assistant"]');
    await expect.poll(() => answer.innerText(), { timeout: 90_000 }).toContain("fine");
    await transcript(page).locator('[data-kind="turn-end"]').waitFor({ timeout: 90_000 });
    expect(await answer.innerText()).toContain("<script>window.__pwned = 1;");
    expect(await answer.locator("script, img, iframe, object").count()).toBe(0);
    const hrefs = await answer.locator("a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    expect(hrefs).toEqual(["https://example.com/ok"]);
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
    // Only the bundle's own script element is in the document.
    expect(await page.locator("script").count()).toBe(1);
    // Clicking where the links were does nothing.
    await answer.getByText("click me").click();
    expect(seen.dialogs).toEqual([]);
    await screenshot(page, "hostile", "inert");
    await context.close();
  });

  it("the board: create, comment, block, unblock and cancel a task from the page", async () => {
    const { context, page } = await openConsole();
    await page.getByRole("link", { name: "Board" }).click();
    await page.getByLabel("Title").fill("Tidy the docs");
    await page.getByRole("button", { name: "Create task" }).click();
    await page.waitForURL(/#\/board\/.+/);
    const taskId = decodeURIComponent(new URL(page.url()).hash.replace("#/board/", ""));
    const card = (status: string) =>
      page.getByRole("region", { name: new RegExp(`^${status} `) }).locator(`[data-task-id="${taskId}"]`);
    await card("ready").waitFor();
    const text = page.getByLabel("Comment, block reason or unblock note");
    await text.fill("Waiting for the release notes.");
    await page.getByRole("button", { name: "Block" }).click();
    await card("blocked").waitFor();
    expect(await page.getByTestId("task-status").innerText()).toBe("blocked");
    await text.fill("Release notes are in.");
    await page.getByRole("button", { name: "Unblock" }).click();
    await card("ready").waitFor();
    await page.locator(".comments").getByText("Release notes are in.").waitFor();
    await page.getByRole("button", { name: "Cancel task" }).click();
    await card("cancelled").waitFor();
    await context.close();
  });

  it("the board: a task created on the page is run by the dispatcher, moves to done live, and links to its worker's transcript", async () => {
    const { context, page } = await openConsole();
    await page.getByRole("link", { name: "Board" }).click();
    await page.getByLabel("Title").fill("Write the summary");
    await page.getByLabel("Body").fill("Summarise what the console does.");
    await page.getByRole("button", { name: "Create task" }).click();
    await page.waitForURL(/#\/board\/.+/);
    const taskId = decodeURIComponent(new URL(page.url()).hash.replace("#/board/", ""));
    const card = (status: string) =>
      page.getByRole("region", { name: new RegExp(`^${status} `) }).locator(`[data-task-id="${taskId}"]`);
    await card("ready").waitFor();
    await page.getByLabel("Comment, block reason or unblock note").fill("Keep it short.");
    await page.getByRole("button", { name: "Comment" }).click();
    await page.locator(".comments").getByText("Keep it short.").waitFor();

    const dispatch = runCli(["kanban", "dispatch", "--once", "--cwd", gateway.workdir], { env: gateway.env });
    const result = await dispatch;
    expect(result.exitCode, result.stderr).toBe(0);
    // The page follows the board's events: no reload.
    await card("done").waitFor({ timeout: 60_000 });
    await expect.poll(() => page.getByTestId("task-status").innerText()).toBe("done");
    expect(await page.locator(".task-detail").innerText()).toContain("REPORT: Write the summary is done");
    await screenshot(page, "board", "board");
    await page.locator("[data-attempt-session]").first().click();
    await page.waitForURL(/#\/s\//);
    const tools = transcript(page).locator('[data-kind="tool-call"]');
    await expect
      .poll(() => tools.allInnerTexts(), { timeout: 60_000 })
      .toEqual([expect.stringContaining("kanban_heartbeat"), expect.stringContaining("kanban_complete")]);
    await expect
      .poll(() => transcript(page).locator('[data-kind="assistant"]').innerText())
      .toContain("Reported.");
    expect(await transcript(page).locator('[data-kind="user"]').innerText()).toContain("Write the summary");
    await screenshot(page, "worker-transcript", "worker");
    await context.close();
  });
});
