import { describe, expect, it } from "vitest";
import { maskSecrets } from "../../../src/migration/mask.js";

describe("maskSecrets", () => {
  it("masks every env and http_headers value, inline or as a sub-table, and token-shaped strings anywhere", () => {
    const text = [
      "[mcp_servers.a]",
      'command = "x"',
      'args = ["--key", "sk-abcdef0123", "plain"]',
      'env = { GITHUB_TOKEN = "ghp_xxx", DEBUG = "1" }',
      'http_headers = { Authorization = "Bearer abc", "X-Y" = "z" }',
      "",
      "[mcp_servers.b.env]",
      'SECRET = "hunter2"',
      '"A=B" = "c"',
      "",
      "[mcp_servers.b]",
      'url = "http://x"',
      'note = "Bearer is a word"',
      'token = "Bearer abcdefgh12345"',
    ].join("\n");
    expect(maskSecrets(text).split("\n")).toEqual([
      "[mcp_servers.a]",
      'command = "x"',
      'args = ["--key", "*****", "plain"]',
      'env = { GITHUB_TOKEN = "*****", DEBUG = "*****" }',
      'http_headers = { Authorization = "*****", "X-Y" = "*****" }',
      "",
      "[mcp_servers.b.env]",
      'SECRET = "*****"',
      '"A=B" = "*****"',
      "",
      "[mcp_servers.b]",
      'url = "http://x"',
      'note = "Bearer is a word"',
      'token = "*****"',
    ]);
  });

  it("shows the bridge's own CODEX_BRIDGE_HOME, a path, and still masks the values beside it", () => {
    const text = [
      "[mcp_servers.codex-bridge-tools]",
      'env = { CODEX_BRIDGE_HOME = "/home/me/.codex-bridge", API_KEY = "k" }',
      "",
      "[mcp_servers.other.env]",
      'CODEX_BRIDGE_HOME = "/srv/bridge"',
      'TOKEN = "t"',
    ].join("\n");
    expect(maskSecrets(text).split("\n")).toEqual([
      "[mcp_servers.codex-bridge-tools]",
      'env = { CODEX_BRIDGE_HOME = "/home/me/.codex-bridge", API_KEY = "*****" }',
      "",
      "[mcp_servers.other.env]",
      'CODEX_BRIDGE_HOME = "/srv/bridge"',
      'TOKEN = "*****"',
    ]);
  });
});
