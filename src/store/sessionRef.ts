/** Which session a reference given by a person names: `BridgeStore.resolveSessionId`. */
import { BridgeError } from "../errors.js";
import type { Row } from "./records.js";
import type { BridgeStore } from "./store.js";

/**
 * The id of the one session `ref` names: a session id, a codex thread id,
 * or a unique prefix of a session id. Throws NOT_FOUND when none matches,
 * AMBIGUOUS (listing the candidates) when a prefix matches several.
 */
export function resolveSessionRef(store: BridgeStore, ref: string): string {
  const exact = store.getSession(ref) ?? store.findSessionByThread(ref);
  if (exact) return exact.id;
  const escaped = ref.replace(/[\\%_]/g, (c) => `\\${c}`);
  const rows = (
    ref === ""
      ? []
      : store.db
          .prepare(`SELECT id FROM sessions WHERE id LIKE ? ESCAPE '\\' ORDER BY updated_at DESC LIMIT 6`)
          .all(`${escaped}%`)
  ) as Row[];
  if (rows.length === 1) return String(rows[0]?.id);
  if (rows.length === 0) {
    throw new BridgeError(
      "NOT_FOUND",
      `no session ${ref} in ${store.path} (see \`codex-bridge sessions list\`)`,
    );
  }
  const ids = rows.slice(0, 5).map((r) => String(r.id));
  throw new BridgeError(
    "AMBIGUOUS",
    `${ref} matches several sessions (${ids.join(", ")}${rows.length > 5 ? ", …" : ""}): give more of the id`,
    { details: { candidates: ids } },
  );
}
