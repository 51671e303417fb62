// Secret formats redactSecrets must catch (beyond those in util.test.ts), and
// the deep redaction of stored session options.
import { describe, expect, it } from "vitest";
import { REDACTED, redactSecrets, redactValue, withoutRedacted } from "../../src/util/redact.js";

describe("redactSecrets catches", () => {
  it.each([
    [
      "GitHub fine-grained",
      "GH=github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz012345",
      "GH=[REDACTED]",
    ],
    ["GitHub classic", "token ghp_0123456789abcdefghijABCDEFGHIJ0123 here", "token [REDACTED] here"],
    ["AWS access key id", "aws AKIAIOSFODNN7EXAMPLE in use", "aws [REDACTED] in use"],
    ["AWS temporary key id", "ASIAY34FZKBOKMUTVV7A", "[REDACTED]"],
    [
      "URL password",
      "git clone https://alice:s3cr3t-pw@git.example.com/r.git",
      "git clone https://alice:[REDACTED]@git.example.com/r.git",
    ],
    ["--password X", "mysql --password hunter22 -u root", "mysql --password [REDACTED] -u root"],
    ["--password=X", "psql --password=hunter22", "psql --password=[REDACTED]"],
    ["--api-key X", "tool --api-key abcdef123456", "tool --api-key [REDACTED]"],
    ["Slack", "SLACK xoxb-123456789012-abcdefghijkl", "SLACK [REDACTED]"],
    [
      "npm",
      "//registry.npmjs.org/:_authToken npm_abcdefghijklmnopqrstuvwxyz0123456789",
      "//registry.npmjs.org/:_authToken [REDACTED]",
    ],
    ["GitLab", "glpat-abcdefghij1234567890", "[REDACTED]"],
  ])("%s", (_name, input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
  });

  it("PEM private key blocks, whole or cut off", () => {
    const pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\nabcdef==\n-----END RSA PRIVATE KEY-----";
    expect(redactSecrets(`key:\n${pem}\ndone`)).toBe(
      "key:\n-----BEGIN RSA PRIVATE KEY-----[REDACTED]-----END RSA PRIVATE KEY-----\ndone",
    );
    expect(redactSecrets("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAA")).toBe(
      "-----BEGIN OPENSSH PRIVATE KEY-----[REDACTED]",
    );
  });

  it("leaves URLs without a password, flags without a value, and plain words alone", () => {
    for (const line of [
      "fetching https://example.com/a:b@c",
      "ssh git@github.com",
      "mysql --password --verbose",
      "ends with --password",
      "the keyboard and the monkey",
    ]) {
      expect(redactSecrets(line)).toBe(line);
    }
  });
});

describe("redactValue", () => {
  it("redacts env and header maps, secret-named keys and secrets in strings, dotted keys included", () => {
    const options = {
      cwd: "/w",
      model: "gpt-5",
      config: {
        "mcp_servers.x.env.API_KEY": "abc",
        "mcp_servers.y": {
          command: "srv",
          args: ["--token", "t0ps3cret"],
          env: { PATH: "/bin", DB_URL: "postgres://u:pw@h/db" },
          http_headers: { "X-Custom": "v" },
          bearer_token_env_var: "MY_TOKEN_VAR",
        },
        shell_environment_policy: { set: { ANYTHING: "v" } },
        password: "p",
        nested: { github_token: "x", count: 3 },
      },
      developerInstructions: "the key is sk-abcdefghijklmnop",
    };
    expect(redactValue(options)).toEqual({
      cwd: "/w",
      model: "gpt-5",
      config: {
        "mcp_servers.x.env.API_KEY": REDACTED,
        "mcp_servers.y": {
          command: "srv",
          args: ["--token", REDACTED],
          env: { PATH: REDACTED, DB_URL: REDACTED },
          http_headers: { "X-Custom": REDACTED },
          bearer_token_env_var: "MY_TOKEN_VAR",
        },
        shell_environment_policy: { set: { ANYTHING: REDACTED } },
        password: REDACTED,
        nested: { github_token: REDACTED, count: 3 },
      },
      developerInstructions: "the key is [REDACTED]",
    });
  });

  it("withoutRedacted drops the values redacted whole and keeps text with a secret cut out", () => {
    expect(
      withoutRedacted({ a: "x", b: REDACTED, c: { d: `k ${REDACTED}`, e: 1 }, f: ["y", REDACTED] }),
    ).toEqual({
      a: "x",
      c: { d: `k ${REDACTED}`, e: 1 },
      f: ["y"],
    });
  });
});
