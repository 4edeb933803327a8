// Minimal MCP client for scripts/capture-tools-list.sh.
//
// Speaks raw newline-delimited JSON-RPC 2.0 over the server's stdin/stdout (the
// MCP stdio transport) so that what is recorded is exactly what the server
// sent: no SDK-side schema parsing, defaulting or key stripping on the client
// side. Dependency-free (Node >= 18 built-ins only).
//
// Sequence: initialize -> notifications/initialized -> tools/list (following
// nextCursor) -> prompts/list and resources/list (each only if the server
// declared that capability, also following nextCursor). Then stdin is closed
// and the server is stopped (SIGTERM, then SIGKILL).
//
// usage:
//   node client.mjs --name N --fixture REL --fixture-dir DIR [--entry E]
//                   [--with key=value]... [--with-json key=<json>]...
//                   --out FILE.json --transcript FILE.jsonl [--stderr FILE]
//                   [--cwd DIR] [--protocol-version V] [--request-timeout MS]
//                   -- command [args...]
//
// --out gets {"capture","fixture","entry","capturedWith","fixtureDigest",
// "initialize": <result>, "tools/list": [<full responses>], "prompts/list": [...],
// "resources/list": [...]} pretty-printed with 2 spaces (served key order kept).
// --transcript gets every JSON-RPC line exchanged, verbatim, one JSON object per
// line: {"dir": "c2s" | "s2c", "line": "<exact line>"}.

import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { dirhash } from "./dirhash.mjs";

function parseArgs(argv) {
  const opts = { with: [], protocolVersion: "2025-06-18", requestTimeout: 15000 };
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") {
      i++;
      break;
    }
    const val = () => {
      if (i + 1 >= argv.length) throw new Error(`missing value for ${a}`);
      return argv[++i];
    };
    const kv = (s) => {
      const eq = s.indexOf("=");
      if (eq <= 0) throw new Error(`expected key=value, got ${s}`);
      return [s.slice(0, eq), s.slice(eq + 1)];
    };
    switch (a) {
      case "--name": opts.name = val(); break;
      case "--fixture": opts.fixture = val(); break;
      case "--fixture-dir": opts.fixtureDir = val(); break;
      case "--entry": opts.entry = val(); break;
      case "--with": opts.with.push(kv(val())); break;
      case "--with-json": { const [k, v] = kv(val()); opts.with.push([k, JSON.parse(v)]); break; }
      case "--out": opts.out = val(); break;
      case "--transcript": opts.transcript = val(); break;
      case "--stderr": opts.stderr = val(); break;
      case "--cwd": opts.cwd = val(); break;
      case "--protocol-version": opts.protocolVersion = val(); break;
      case "--request-timeout": opts.requestTimeout = Number(val()); break;
      default: throw new Error(`unknown option ${a}`);
    }
  }
  opts.command = argv.slice(i);
  for (const req of ["name", "fixture", "fixtureDir", "out", "transcript"]) {
    if (!opts[req]) throw new Error(`--${req.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase())} is required`);
  }
  if (opts.command.length === 0) throw new Error("no server command after --");
  return opts;
}

const log = (msg) => process.stderr.write(`client: ${msg}\n`);

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const transcript = [];
  const stderrChunks = [];
  let stderrBytes = 0;

  const child = spawn(opts.command[0], opts.command.slice(1), {
    cwd: opts.cwd,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.on("exit", (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
  });
  let spawnError = null;
  child.on("error", (err) => {
    spawnError = err;
  });
  child.stdin.on("error", () => {}); // EPIPE if the server died; reported via exit
  child.stderr.on("data", (d) => {
    if (stderrBytes < 256 * 1024) stderrChunks.push(d);
    stderrBytes += d.length;
  });

  // Stop the server if we are told to stop (e.g. by `timeout`).
  for (const sig of ["SIGTERM", "SIGINT", "SIGHUP"]) {
    process.on(sig, () => {
      log(`received ${sig}, killing server`);
      try { child.kill("SIGKILL"); } catch {}
      process.exit(124);
    });
  }

  const pending = new Map(); // id -> {resolve, reject, timer}
  let protocolError = null;
  let buf = "";
  const send = (obj) => {
    const line = JSON.stringify(obj);
    transcript.push({ dir: "c2s", line });
    child.stdin.write(line + "\n");
  };
  const fail = (err) => {
    protocolError ??= err;
    for (const p of pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    pending.clear();
  };

  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk) => {
    buf += chunk;
    let nl;
    while ((nl = buf.indexOf("\n")) >= 0) {
      let line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (line.endsWith("\r")) line = line.slice(0, -1);
      if (line.trim() === "") continue;
      transcript.push({ dir: "s2c", line });
      let msg;
      try {
        msg = JSON.parse(line);
      } catch {
        fail(new Error(`server wrote a non-JSON line to stdout: ${JSON.stringify(line.slice(0, 300))}`));
        continue;
      }
      if (msg && typeof msg === "object" && "method" in msg && "id" in msg) {
        // server -> client request: answer ping, refuse everything else.
        if (msg.method === "ping") send({ jsonrpc: "2.0", id: msg.id, result: {} });
        else send({ jsonrpc: "2.0", id: msg.id, error: { code: -32601, message: `client does not support ${msg.method}` } });
        log(`server sent request ${msg.method}`);
      } else if (msg && typeof msg === "object" && "method" in msg) {
        log(`server sent notification ${msg.method}`);
      } else if (msg && typeof msg === "object" && "id" in msg && pending.has(msg.id)) {
        const p = pending.get(msg.id);
        pending.delete(msg.id);
        clearTimeout(p.timer);
        p.resolve(msg);
      } else {
        fail(new Error(`unexpected message from server: ${line.slice(0, 300)}`));
      }
    }
  });
  exitPromise.then(({ code, signal }) => {
    fail(new Error(`server exited early (code ${code}, signal ${signal})`));
  });

  let nextId = 1;
  const request = (method, params) => {
    if (protocolError) return Promise.reject(protocolError);
    if (spawnError) return Promise.reject(spawnError);
    const id = nextId++;
    const msg = { jsonrpc: "2.0", id, method };
    if (params !== undefined) msg.params = params;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`no response to ${method} (id ${id}) within ${opts.requestTimeout} ms`));
      }, opts.requestTimeout);
      pending.set(id, { resolve, reject, timer });
      send(msg);
    });
  };
  const checkResponse = (method, resp) => {
    if (resp.jsonrpc !== "2.0") throw new Error(`${method}: response without jsonrpc "2.0": ${JSON.stringify(resp)}`);
    if (resp.error) throw new Error(`${method}: server returned error ${JSON.stringify(resp.error)}`);
    if (!resp.result || typeof resp.result !== "object") throw new Error(`${method}: response without result object`);
    return resp;
  };
  const paginate = async (method) => {
    const pages = [];
    const seen = new Set();
    let cursor;
    for (;;) {
      const resp = checkResponse(method, await request(method, cursor === undefined ? undefined : { cursor }));
      pages.push(resp);
      cursor = resp.result.nextCursor;
      if (cursor === undefined || cursor === null) break;
      if (seen.has(cursor) || pages.length >= 1000) throw new Error(`${method}: pagination does not terminate (cursor ${JSON.stringify(cursor)})`);
      seen.add(cursor);
    }
    return pages;
  };

  let result;
  let error = null;
  try {
    const init = checkResponse(
      "initialize",
      await request("initialize", {
        protocolVersion: opts.protocolVersion,
        capabilities: {},
        clientInfo: { name: "mcpcert-capture", version: "1.0.0" },
      }),
    );
    send({ jsonrpc: "2.0", method: "notifications/initialized" });
    const caps = init.result.capabilities ?? {};
    const out = {
      capture: opts.name,
      fixture: opts.fixture,
    };
    if (opts.entry) out.entry = opts.entry;
    out.capturedWith = Object.fromEntries(opts.with);
    out.fixtureDigest = dirhash(opts.fixtureDir);
    out.initialize = init.result;
    out["tools/list"] = await paginate("tools/list");
    if (caps.prompts) out["prompts/list"] = await paginate("prompts/list");
    if (caps.resources) out["resources/list"] = await paginate("resources/list");
    result = out;
  } catch (err) {
    error = err;
  }

  // Shut the server down: close stdin, then SIGTERM, then SIGKILL.
  const waitExit = (ms) => {
    let timer;
    return Promise.race([exitPromise, new Promise((r) => (timer = setTimeout(() => r(null), ms)))]).finally(() => clearTimeout(timer));
  };
  if (!exited) {
    child.stdin.end();
    if (!(await waitExit(3000))) {
      log("server still running 3s after stdin was closed; sending SIGTERM");
      child.kill("SIGTERM");
      if (!(await waitExit(3000))) {
        log("server ignored SIGTERM; sending SIGKILL");
        child.kill("SIGKILL");
        await waitExit(3000);
      }
    }
  }
  if (opts.stderr) writeFileSync(opts.stderr, Buffer.concat(stderrChunks));
  if (error || spawnError) {
    log(`capture failed: ${(spawnError ?? error).message}`);
    if (!opts.stderr && stderrChunks.length) process.stderr.write(Buffer.concat(stderrChunks));
    process.exit(1);
  }
  writeFileSync(opts.out, JSON.stringify(result, null, 2) + "\n");
  writeFileSync(opts.transcript, transcript.map((t) => JSON.stringify(t)).join("\n") + "\n");
  const names = result["tools/list"].flatMap((r) => (r.result.tools ?? []).map((t) => t.name));
  log(`${opts.name}: ${names.length} tools (${names.join(", ")}); server exit ${JSON.stringify(exited)}`);
  process.exit(0);
}

main().catch((err) => {
  log(err.message);
  process.exit(2);
});
