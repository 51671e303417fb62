// Browser tests of the web console: Debian's Chromium driven by playwright-core
// (Playwright's own browser download cannot work here), against a real
// gateway process (`codex-bridge serve`) running the real codex binary on the
// scripted model. One browser and one gateway per test file; a fresh browser
// context (its own sessionStorage) per test.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa, type ResultPromise } from "execa";
import { type Browser, chromium, type Page } from "playwright-core";
import {
  createMockCodexHome,
  type MockCodexHome,
  type MockResponsesServer,
  type MockScript,
  startMockResponses,
} from "../../src/testing/index.js";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const bin = fileURLToPath(new URL("../../bin/codex-bridge.js", import.meta.url));
export const CONSOLE_DIR = fileURLToPath(new URL("../../dist/console", import.meta.url));

/** Screenshots of every run go here; `CONSOLE_SCREENSHOTS=docs/console` also copies the named ones there. */
export const SHOTS_DIR = join(tmpdir(), "codex-bridge-console-shots");

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`console tests need Chromium at ${CHROMIUM} (apt install chromium)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // CI runs as root (no sandbox there); the rest keeps Chromium off the network it cannot reach.
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

/** Saves a full-page screenshot; returns its path. `docName` also copies it into $CONSOLE_SCREENSHOTS. */
export async function screenshot(page: Page, name: string, docName?: string): Promise<string> {
  mkdirSync(SHOTS_DIR, { recursive: true });
  const path = join(SHOTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  const docs = process.env.CONSOLE_SCREENSHOTS;
  if (docs && docName) {
    mkdirSync(docs, { recursive: true });
    copyFileSync(path, join(docs, `${docName}.png`));
  }
  return path;
}

/** Collects what a page must never do: dialogs (alert from injected script) and console errors. */
export function watchPage(page: Page): { dialogs: string[]; errors: string[] } {
  const seen = { dialogs: [] as string[], errors: [] as string[] };
  page.on("dialog", (d) => {
    seen.dialogs.push(d.message());
    void d.dismiss();
  });
  page.on("console", (m) => {
    if (m.type() === "error") seen.errors.push(m.text());
  });
  page.on("pageerror", (e) => seen.errors.push(e.message));
  return seen;
}

export interface ConsoleGateway {
  /** The console's page, e.g. `http://127.0.0.1:PORT/`. */
  readonly url: string;
  /** The gateway's WebSocket address. */
  readonly wsUrl: string;
  readonly mock: MockResponsesServer;
  readonly home: MockCodexHome;
  /** CODEX_BRIDGE_HOME of the gateway (its store, its board). */
  readonly bridgeHome: string;
  /** A scratch directory for sessions' cwd. */
  readonly workdir: string;
  /** The environment the gateway runs with (for other CLI commands on the same store). */
  readonly env: Record<string, string>;
  /** What the gateway wrote on stderr so far. */
  stderr(): string;
  close(): Promise<void>;
}

/** The text of the last user message in a Responses request body. */
export function lastUserText(body: { input?: Array<Record<string, unknown>> }): string {
  const users = (body.input ?? []).filter((e) => e.role === "user");
  const content = users.at(-1)?.content;
  if (!Array.isArray(content)) return typeof content === "string" ? content : "";
  return content.map((c: { text?: unknown }) => (typeof c.text === "string" ? c.text : "")).join("");
}

/** True when the request carries a tool's output (the second model call of a turn that ran a tool). */
export function isToolFollowUp(body: { input?: Array<Record<string, unknown>> }): boolean {
  return body.input?.at(-1)?.type === "function_call_output";
}

/** Starts the mock model, a CODEX_HOME for it, and `codex-bridge serve --listen 127.0.0.1:0` (which serves dist/console by default). */
export async function startConsoleGateway(
  script: MockScript,
  options: { args?: string[]; env?: Record<string, string> } = {},
): Promise<ConsoleGateway> {
  if (!existsSync(join(CONSOLE_DIR, "index.html"))) {
    throw new Error("dist/console is missing: run `npm run build` first");
  }
  const mock = await startMockResponses(script);
  const home = await createMockCodexHome({ providerUrl: mock.url });
  const bridgeHome = mkdtempSync(join(tmpdir(), "console-bridge-"));
  const workdir = mkdtempSync(join(tmpdir(), "console-work-"));
  const env = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    CODEX_HOME: home.path,
    CODEX_BRIDGE_HOME: bridgeHome,
    ...options.env,
  };
  let stderr = "";
  const child: ResultPromise = execa(
    process.execPath,
    [bin, "serve", "--listen", "127.0.0.1:0", ...(options.args ?? [])],
    { extendEnv: false, env, cwd: workdir, reject: false, stdin: "ignore", buffer: false },
  );
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const wsUrl = await new Promise<string>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(
      () => reject(new Error(`the gateway printed no URL in 60 s; stderr:\n${stderr}`)),
      60_000,
    );
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /ws:\/\/[^\s]+/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    });
    void child.then((r) => {
      clearTimeout(timer);
      reject(new Error(`the gateway exited (${String(r.exitCode)}) before listening; stderr:\n${stderr}`));
    });
  });
  const url = `${wsUrl.replace(/^ws:/, "http:").replace(/\/$/, "")}/`;
  return {
    url,
    wsUrl,
    mock,
    home,
    bridgeHome,
    workdir,
    env,
    stderr: () => stderr,
    async close() {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      await child;
      clearTimeout(timer);
      await mock.close();
      await home.remove();
      rmSync(bridgeHome, { recursive: true, force: true });
      rmSync(workdir, { recursive: true, force: true });
    },
  };
}

/** Starts a session from the console's form (cwd `workdir`, full access); returns its id from the page's URL. */
export async function startSessionOnPage(
  page: Page,
  workdir: string,
  prompt: string,
  options: { ask?: boolean } = {},
): Promise<string> {
  await page.getByLabel("Working directory").fill(workdir);
  await page.getByLabel("Sandbox").selectOption("danger-full-access");
  if (options.ask) await page.getByLabel("When codex asks").selectOption("untrusted");
  await page.getByLabel("First prompt").fill(prompt);
  await page.getByRole("button", { name: "Start session" }).click();
  await page.waitForURL(/#\/s\//);
  return decodeURIComponent(new URL(page.url()).hash.replace("#/s/", ""));
}

/** The open session's transcript list. */
export const transcript = (page: Page) => page.getByRole("list", { name: "Transcript" });
