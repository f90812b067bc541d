/** The typed errors: readable service messages from any body, the message layout, scope hints. */
import { CamundaApiError, CamundaAuthError, hintFor, scopeForPath, serviceMessage } from "../../provider/api";

describe("serviceMessage", () => {
  it("keeps plain text, on one line", () => {
    expect(serviceMessage("Service Unavailable\n", "text/plain")).toBe("Service Unavailable");
    expect(serviceMessage("  Bad\n  request:\tname missing ", undefined)).toBe("Bad request: name missing");
    expect(serviceMessage("", "text/plain")).toBe("");
  });

  it("reads RFC 7807, {message}, OAuth and nested JSON errors", () => {
    expect(serviceMessage(JSON.stringify({ type: "about:blank", title: "Forbidden", status: 403, detail: "Missing scope" }), "application/problem+json")).toBe(
      "Forbidden: Missing scope",
    );
    expect(serviceMessage(JSON.stringify({ message: "Cluster not found" }), "application/json")).toBe("Cluster not found");
    expect(serviceMessage(JSON.stringify({ error: "access_denied", error_description: "Unauthorized" }), "application/json; charset=utf-8")).toBe(
      "access_denied: Unauthorized",
    );
    expect(serviceMessage(JSON.stringify({ error: { code: 7, message: "quota exceeded" } }), "application/json")).toBe("quota exceeded");
    // JSON without a content type is still recognised; a duplicate part is shown once.
    expect(serviceMessage('{"title":"Conflict","message":"Conflict"}', undefined)).toBe("Conflict");
  });

  it("falls back to the text when JSON has no known field or is not JSON after all", () => {
    expect(serviceMessage('{"foo":1}', "application/json")).toBe('{"foo":1}');
    expect(serviceMessage("upstream timed out", "application/json")).toBe("upstream timed out");
    expect(serviceMessage("[1,2]", "application/json")).toBe("[1,2]");
  });

  it("turns HTML error pages into their title, heading or text", () => {
    const nginx = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>";
    expect(serviceMessage(nginx, "text/html")).toBe("502 Bad Gateway");
    expect(serviceMessage("<!DOCTYPE html><html><body><h1>Access &amp; Denied</h1><p>x</p></body></html>", undefined)).toBe("Access & Denied");
    expect(serviceMessage("<html><head><style>p{}</style></head><body><p>Gateway <b>timeout</b></p></body></html>", "text/html")).toBe("Gateway timeout");
    expect(serviceMessage("<html><body></body></html>", "text/html")).toBe("(HTML error page)");
  });

  it("truncates long bodies", () => {
    const msg = serviceMessage("x".repeat(5000), "text/plain");
    expect(msg.length).toBeLessThanOrEqual(301);
    expect(msg.endsWith("…")).toBe(true);
  });
});

describe("CamundaApiError", () => {
  it("says method, path, status, the service's message and the hint", () => {
    const err = new CamundaApiError({
      method: "GET",
      path: "/clusters/c1/secrets",
      status: 403,
      serviceMessage: "Forbidden",
      hint: hintFor(403, "GET", "/clusters/c1/secrets", "Forbidden"),
    });
    expect(err.name).toBe("CamundaApiError");
    expect(err.message).toMatch(/^Camunda Console API GET \/clusters\/c1\/secrets failed with HTTP 403: Forbidden\. /);
    expect(err.message).toContain('"Connector Secrets" scope');
    expect(err).toMatchObject({ status: 403, method: "GET", path: "/clusters/c1/secrets" });
  });

  it("describes a network failure as no response", () => {
    const err = new CamundaApiError({ method: "POST", path: "/clusters", status: 0, serviceMessage: "other side closed" });
    expect(err.message).toBe("Camunda Console API POST /clusters failed (no response): other side closed");
  });

  it("keeps the cause without making it enumerable", () => {
    const cause = new Error("boom");
    const err = new CamundaApiError({ method: "GET", path: "/x", status: 0, cause });
    expect((err as Error & { cause?: unknown }).cause).toBe(cause);
    expect(Object.keys(err)).not.toContain("cause");
  });
});

describe("scopes and hints", () => {
  it.each([
    ["/clusters", "Cluster"],
    ["/clusters/c1", "Cluster"],
    ["/clusters/c1/clients/abc", "Zeebe Client"],
    ["/clusters/c1/ipallowlist", "IP Allowlist"],
    ["/clusters/c1/secrets/NAME", "Connector Secrets"],
    ["/clusters/c1/backups", "Backups"],
    ["/members/a@b.c", "Members"],
  ])("%s needs the %s scope", (p, scope) => {
    expect(scopeForPath(p)).toBe(scope);
    expect(hintFor(403, "GET", p, "Forbidden")).toContain(`"${scope}"`);
  });

  it("gives a limit hint instead of a scope hint when an organisation limit was hit", () => {
    expect(hintFor(403, "POST", "/clusters", "Maximum number of clusters reached")).toMatch(/limit/);
  });

  it("CamundaAuthError joins message, service message and hint", () => {
    const err = new CamundaAuthError("The token service refused it", { status: 401, serviceMessage: "access_denied", hint: "Check the credentials" });
    expect(err.message).toBe("The token service refused it: access_denied. Check the credentials");
    expect(err.status).toBe(401);
  });
});
