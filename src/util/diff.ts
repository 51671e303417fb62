/**
 * A unified diff of two texts, for `--dry-run` and drift reports: the
 * `diff` package (jsdiff), whose hunks match `diff -u`, end of file and
 * "\ No newline at end of file" included.
 */
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from "diff";

/** `--- a` / `+++ b` and the hunks (3 lines of context by default); "" when the texts are equal. */
export function unifiedDiff(before: string, after: string, names = { a: "a", b: "b" }, context = 3): string {
  if (before === after) return "";
  const patch = createTwoFilesPatch(names.a, names.b, before, after, undefined, undefined, {
    context,
    headerOptions: FILE_HEADERS_ONLY,
  });
  // As `diff -u` writes them: a range of one line has no count (`@@ -1 +1,4 @@`).
  return patch.replace(/^@@ -(\d+),1 \+(\d+)(,\d+)? @@|^@@ -(\d+)(,\d+)? \+(\d+),1 @@/gm, (header: string) =>
    header.replace(/ -(\d+),1 /, " -$1 ").replace(/ \+(\d+),1 @@/, " +$1 @@"),
  );
}
