/** Where codex-bridge and codex keep their files. */
import { homedir } from "node:os";
import { join } from "node:path";

/** `$HOME` of `env`, else the OS's idea of it. */
export function homeOf(env: NodeJS.ProcessEnv = process.env): string {
  return env.HOME && env.HOME !== "" ? env.HOME : homedir();
}

/** The bridge's home: `$CODEX_BRIDGE_HOME`, else `~/.codex-bridge`. */
export function bridgeHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.CODEX_BRIDGE_HOME && env.CODEX_BRIDGE_HOME !== ""
    ? env.CODEX_BRIDGE_HOME
    : join(homeOf(env), ".codex-bridge");
}

/** codex's home: `$CODEX_HOME`, else `~/.codex`. */
export function codexHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.CODEX_HOME && env.CODEX_HOME !== "" ? env.CODEX_HOME : join(homeOf(env), ".codex");
}

/** The bridge's own config file: `<bridgeHome>/config.toml`. */
export function bridgeConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(bridgeHome(env), "config.toml");
}
