/**
 * The login check made before a first turn. Without it, a codex that needs
 * an OpenAI login (and has none) retries the model for minutes ("Reconnecting…
 * 5/5", "waiting for network") and then times out, never mentioning the login.
 * codex's own `account/read` knows at once.
 */
import { BridgeError } from "../errors.js";
import type { CodexClient } from "./client.js";

/** What codex reports about its login. */
export interface AccountState {
  /** `null` when codex has no login. */
  type: "apiKey" | "chatgpt" | (string & {}) | null;
  /** The ChatGPT account's e-mail, when logged in with ChatGPT. */
  email: string | null;
  /** True when the configured model provider needs an OpenAI login. */
  requiresOpenaiAuth: boolean;
}

/** The message users see; `npx` because `codex` is not on PATH after a plain `npm ci`. */
export const LOGIN_HINT = "codex is not logged in: run `npx codex login` (or set an API key) and try again";

/** Reads the account from codex (`account/read`). Default timeout 20000 ms. */
export async function readAccount(
  client: CodexClient,
  options: { timeoutMs?: number } = {},
): Promise<AccountState> {
  const result = await client.accountRead({}, { timeoutMs: options.timeoutMs ?? 20_000 });
  const account = result.account;
  return {
    type: account ? account.type : null,
    email: account && account.type === "chatgpt" ? account.email : null,
    requiresOpenaiAuth: result.requiresOpenaiAuth,
  };
}

/**
 * Fails fast with `AUTH_REQUIRED` when the configured provider needs an
 * OpenAI login and codex has none; otherwise resolves with the account.
 */
export async function assertLoggedIn(
  client: CodexClient,
  options: { timeoutMs?: number } = {},
): Promise<AccountState> {
  const state = await readAccount(client, options);
  if (state.requiresOpenaiAuth && state.type === null) {
    throw new BridgeError("AUTH_REQUIRED", LOGIN_HINT, { details: { requiresOpenaiAuth: true } });
  }
  return state;
}
