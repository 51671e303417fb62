/** Installed codex plugins, as codex itself lists them (`plugin/list` on a short-lived app-server). */
import { CodexClient } from "../codex/client.js";
import { withShadowHome } from "../codex/diagnostics.js";
import type { PluginDiscovery } from "./plan.js";

export async function discoverPlugins(options: {
  codexBin?: string;
  codexHome?: string;
}): Promise<PluginDiscovery> {
  // In a copy of CODEX_HOME: codex writes state files into its home as it starts.
  return withShadowHome(options.codexHome, (shadow) => listPlugins(options.codexBin, shadow));
}

async function listPlugins(codexBin: string | undefined, codexHome: string): Promise<PluginDiscovery> {
  let client: CodexClient | undefined;
  try {
    client = await CodexClient.start({
      ...(codexBin ? { codexBin } : {}),
      codexHome,
      cwd: codexHome,
      connection: { requestTimeoutMs: 20_000 },
      shutdownGraceMs: 1000,
    });
    const listed = await client.pluginList({});
    const plugins = listed.marketplaces.flatMap((m) =>
      m.plugins.filter((p) => p.installed).map((p) => ({ id: p.id, enabled: p.enabled })),
    );
    return { ok: true, plugins };
  } catch (err) {
    return {
      ok: false,
      error: `plugin discovery failed: ${err instanceof Error ? err.message : String(err)}`,
    };
  } finally {
    await client?.close();
  }
}
