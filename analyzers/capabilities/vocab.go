package capabilities

import (
	"strings"
)

// The vocabulary: qualified API names, per language, and the capability
// each one uses. A qualified name is the module (JS package with node:
// stripped, Python dotted module, Go import path) and the member path,
// joined with dots: "child_process.exec", "os.environ", "os/exec.Command".

// modeFunc decides the capabilities of a call from its arguments, for the
// file APIs whose effect depends on a mode or flags.
type modeFunc func(a *callArgs) []string

// entry is what a qualified name uses.
type entry struct {
	capability string   // empty when mode decides
	mode       modeFunc // set for mode-dependent APIs
	prefix     bool     // members of the name match too (os.environ.get)
	typ        bool     // Go: a type, used when constructed (http.Client{})
}

// vocab maps qualified names to entries.
type vocab map[string]entry

// add registers names with one capability; a name ending in ".*" matches
// its members too.
func (v vocab) add(capability string, names ...string) vocab {
	for _, n := range names {
		e := entry{capability: capability}
		if base, ok := strings.CutSuffix(n, ".*"); ok {
			n, e.prefix = base, true
		}
		v[n] = e
	}
	return v
}

// members registers module.member for each member.
func (v vocab) members(capability, module string, members ...string) vocab {
	for _, m := range members {
		v.add(capability, module+"."+m)
	}
	return v
}

// modal registers mode-dependent names.
func (v vocab) modal(f modeFunc, names ...string) vocab {
	for _, n := range names {
		v[n] = entry{mode: f}
	}
	return v
}

// lookup finds the entry of q or of its longest prefix registered with
// ".*"; it returns the matched name, which is the Use's API.
func (v vocab) lookup(q string) (string, entry, bool) {
	if e, ok := v[q]; ok {
		return q, e, true
	}
	for i := strings.LastIndexByte(q, '.'); i > 0; i = strings.LastIndexByte(q, '.') {
		q = q[:i]
		if e, ok := v[q]; ok && e.prefix {
			return q, e, true
		}
	}
	return "", entry{}, false
}

// callArgs are the arguments of a call, as far as mode functions need them.
type callArgs struct {
	pos []arg
	kw  map[string]arg
}

// arg is one argument: its source text and, for a string literal, its value.
type arg struct {
	text  string
	str   string
	isStr bool
}

// get returns the i-th positional argument or the keyword argument kw.
func (a *callArgs) get(i int, kw string) (arg, bool) {
	if a == nil {
		return arg{}, false
	}
	if kw != "" {
		if v, ok := a.kw[kw]; ok {
			return v, true
		}
	}
	if i >= 0 && i < len(a.pos) {
		return a.pos[i], true
	}
	return arg{}, false
}

var readWrite = []string{FilesystemRead, FilesystemWrite}

// openMode reads a mode string at argument i (or keyword "mode") the way
// fopen, Python's open and Node's fs.open do: r reads, w/a/x write, +
// does both; absent is def; a mode that is no literal may do both.
func openMode(i int, def string) modeFunc {
	return func(a *callArgs) []string {
		mode := def
		// A callback in the mode's place (fs.open(p, cb)) is no mode.
		if v, ok := a.get(i, "mode"); ok && !isCallback(v.text) {
			if !v.isStr {
				return readWrite
			}
			mode = v.str
		}
		w := strings.ContainsAny(mode, "wax+")
		r := strings.ContainsAny(mode, "r+") || !w
		return readOrWrite(r, w)
	}
}

func isCallback(text string) bool {
	return strings.HasPrefix(text, "function") || strings.HasPrefix(text, "async") || strings.Contains(text, "=>")
}

// openFlags reads O_* flags at argument i (os.open, os.OpenFile): any of
// O_WRONLY, O_RDWR, O_CREAT(E), O_APPEND, O_TRUNC writes; O_RDONLY or
// O_RDWR reads; flags that name no O_ constant may do both.
func openFlags(i int) modeFunc {
	return func(a *callArgs) []string {
		v, ok := a.get(i, "flags")
		if !ok || !strings.Contains(v.text, "O_") {
			if ok && strings.TrimSpace(v.text) == "0" {
				return []string{FilesystemRead}
			}
			return readWrite
		}
		w := false
		for _, f := range []string{"O_WRONLY", "O_RDWR", "O_CREAT", "O_APPEND", "O_TRUNC"} {
			w = w || strings.Contains(v.text, f)
		}
		r := strings.Contains(v.text, "O_RDONLY") || strings.Contains(v.text, "O_RDWR") || !w
		return readOrWrite(r, w)
	}
}

func readOrWrite(r, w bool) []string {
	switch {
	case r && w:
		return readWrite
	case w:
		return []string{FilesystemWrite}
	}
	return []string{FilesystemRead}
}

// sqliteConnect: a database opened by URI with mode=ro is read; an
// in-memory database touches no file; anything else reads and writes
// (sqlite creates a missing file).
func sqliteConnect(a *callArgs) []string {
	v, ok := a.get(0, "database")
	switch {
	case !ok:
		return readWrite
	case strings.Contains(v.text, ":memory:"):
		return nil
	case strings.Contains(v.text, "mode=ro"):
		return []string{FilesystemRead}
	}
	return readWrite
}

// jsModule normalizes a JavaScript module specifier: node: is dropped and
// the fs variants are fs.
func jsModule(spec string) string {
	spec = strings.TrimPrefix(spec, "node:")
	switch spec {
	case "fs/promises", "fs-extra", "graceful-fs":
		return "fs"
	}
	return spec
}

// jsQualify joins a module (or global) and a member path into a
// qualified name: the "default" member of esModuleInterop and fs's
// "promises" namespace are dropped ("fs.promises.readFile" is
// "fs.readFile").
func jsQualify(root string, path []string) string {
	var b strings.Builder
	b.WriteString(root)
	for i, p := range path {
		if p == "default" || (root == "fs" && i == 0 && p == "promises") {
			continue
		}
		b.WriteByte('.')
		b.WriteString(p)
	}
	return b.String()
}

// jsGlobals are the globals of Node, Deno, Bun and browsers that the
// vocabulary names; an unbound, unshadowed reference to one is a use.
var jsGlobals = map[string]bool{
	"fetch": true, "WebSocket": true, "XMLHttpRequest": true, "EventSource": true,
	"process": true, "Deno": true, "Bun": true,
}

var jsVocab = vocab{}.
	members(ProcessExec, "child_process", "exec", "execSync", "execFile", "execFileSync", "spawn", "spawnSync", "fork").
	add(ProcessExec, "execa", "cross-spawn", "cross-spawn.sync", "cross-spawn.spawn", "Bun.spawn", "Bun.spawnSync", "Bun.$",
		"Deno.Command", "Deno.run", "zx.$", "node-pty.spawn").
	members(ProcessExec, "execa", "execa", "execaSync", "execaCommand", "execaCommandSync", "execaNode", "$", "command", "commandSync", "sync", "node").
	members(ProcessExec, "shelljs", "exec").
	members(FilesystemRead, "fs", "readFile", "readFileSync", "readdir", "readdirSync", "createReadStream", "opendir", "opendirSync",
		"readlink", "readlinkSync", "stat", "statSync", "lstat", "lstatSync", "access", "accessSync", "exists", "existsSync",
		"watch", "watchFile", "read", "readSync", "readv", "readvSync", "glob", "globSync", "readJson", "readJSON", "readJsonSync", "readJSONSync").
	members(FilesystemRead, "shelljs", "cat", "ls", "find", "grep", "head", "tail").
	add(FilesystemRead, "Bun.file", "Deno.readTextFile", "Deno.readFile", "Deno.readDir", "Deno.readTextFileSync", "Deno.readFileSync").
	members(FilesystemWrite, "fs", "writeFile", "writeFileSync", "appendFile", "appendFileSync", "createWriteStream",
		"mkdir", "mkdirSync", "mkdtemp", "mkdtempSync", "rm", "rmSync", "rmdir", "rmdirSync", "unlink", "unlinkSync",
		"rename", "renameSync", "copyFile", "copyFileSync", "cp", "cpSync", "symlink", "symlinkSync", "link", "linkSync",
		"truncate", "truncateSync", "ftruncate", "ftruncateSync", "chmod", "chmodSync", "chown", "chownSync", "lchown", "lchownSync",
		"utimes", "utimesSync", "lutimes", "write", "writeSync", "writev", "writevSync",
		// fs-extra
		"outputFile", "outputFileSync", "outputJson", "outputJSON", "outputJsonSync", "writeJson", "writeJSON", "writeJsonSync",
		"ensureDir", "ensureDirSync", "ensureFile", "ensureFileSync", "mkdirp", "mkdirs", "mkdirpSync", "remove", "removeSync",
		"copy", "copySync", "move", "moveSync", "emptyDir", "emptyDirSync").
	members(FilesystemWrite, "shelljs", "rm", "cp", "mv", "mkdir", "touch", "ln", "chmod", "sed").
	add(FilesystemWrite, "Bun.write", "Deno.writeTextFile", "Deno.writeFile", "Deno.remove", "Deno.mkdir", "Deno.rename").
	modal(openMode(1, "r"), "fs.open", "fs.openSync").
	add(NetworkEgress, "fetch", "WebSocket", "XMLHttpRequest", "EventSource", "node-fetch", "cross-fetch", "isomorphic-fetch",
		"axios", "got", "ky", "superagent", "ws", "ws.WebSocket", "socket.io-client", "socket.io-client.io", "socket.io-client.connect",
		"http2.connect", "tls.connect", "dgram.createSocket").
	members(NetworkEgress, "undici", "fetch", "request", "stream", "pipeline", "connect", "Client", "Pool", "Agent", "WebSocket", "EventSource").
	members(NetworkEgress, "axios", "get", "post", "put", "delete", "patch", "head", "options", "request", "create", "postForm", "putForm", "patchForm").
	members(NetworkEgress, "got", "get", "post", "put", "patch", "delete", "head", "stream", "extend", "paginate").
	members(NetworkEgress, "ky", "get", "post", "put", "patch", "delete", "head", "create", "extend").
	members(NetworkEgress, "superagent", "get", "post", "put", "patch", "delete", "head").
	members(NetworkEgress, "http", "request", "get").
	members(NetworkEgress, "https", "request", "get").
	members(NetworkEgress, "net", "connect", "createConnection", "Socket").
	add(EnvRead, "process.env.*", "Deno.env.*", "Bun.env.*")

var pyVocab = vocab{}.
	members(ProcessExec, "subprocess", "run", "call", "check_call", "check_output", "Popen", "getoutput", "getstatusoutput").
	members(ProcessExec, "os", "system", "popen", "execl", "execle", "execlp", "execlpe", "execv", "execve", "execvp", "execvpe",
		"spawnl", "spawnle", "spawnlp", "spawnlpe", "spawnv", "spawnve", "spawnvp", "spawnvpe", "posix_spawn", "posix_spawnp", "startfile").
	add(ProcessExec, "asyncio.create_subprocess_exec", "asyncio.create_subprocess_shell",
		"asyncio.subprocess.create_subprocess_exec", "asyncio.subprocess.create_subprocess_shell",
		"pty.spawn", "pexpect.spawn", "pexpect.run", "anyio.run_process", "anyio.open_process", "trio.run_process").
	members(FilesystemRead, "os", "listdir", "scandir", "walk", "readlink").
	add(FilesystemRead, "glob.glob", "glob.iglob").
	members(FilesystemWrite, "os", "remove", "unlink", "rmdir", "removedirs", "mkdir", "makedirs", "rename", "renames", "replace",
		"chmod", "chown", "lchown", "symlink", "link", "truncate", "mkfifo", "utime").
	members(FilesystemWrite, "shutil", "copy", "copy2", "copyfile", "copytree", "move", "rmtree", "make_archive", "unpack_archive",
		"copymode", "copystat", "chown").
	members(FilesystemWrite, "tempfile", "mkstemp", "mkdtemp", "NamedTemporaryFile", "TemporaryFile", "SpooledTemporaryFile", "TemporaryDirectory").
	modal(openMode(1, "r"), "open", "io.open", "codecs.open", "aiofiles.open").
	modal(openMode(1, "rb"), "gzip.open", "bz2.open", "lzma.open").
	modal(openFlags(1), "os.open").
	modal(sqliteConnect, "sqlite3.connect", "aiosqlite.connect").
	members(NetworkEgress, "requests", "get", "post", "put", "delete", "patch", "head", "options", "request", "Session", "session").
	members(NetworkEgress, "httpx", "get", "post", "put", "delete", "patch", "head", "options", "request", "stream", "Client", "AsyncClient").
	members(NetworkEgress, "aiohttp", "ClientSession", "request").
	members(NetworkEgress, "urllib.request", "urlopen", "urlretrieve", "build_opener").
	members(NetworkEgress, "urllib3", "PoolManager", "ProxyManager", "request", "HTTPConnectionPool", "HTTPSConnectionPool").
	members(NetworkEgress, "http.client", "HTTPConnection", "HTTPSConnection").
	members(NetworkEgress, "socket", "socket", "create_connection").
	add(NetworkEgress, "websockets.connect", "websockets.client.connect", "websocket.create_connection", "websocket.WebSocketApp",
		"ftplib.FTP", "ftplib.FTP_TLS", "smtplib.SMTP", "smtplib.SMTP_SSL", "paramiko.SSHClient", "asyncio.open_connection",
		"xmlrpc.client.ServerProxy").
	add(EnvRead, "os.environ.*", "os.environb.*", "os.getenv", "os.getenvb")

// pyPathModules are the modules whose Path objects have the methods of
// pyPathMethods; a file importing one of them is read as using Path
// objects, so that target.read_text() counts though its type is unknown.
var pyPathModules = []string{"pathlib", "anyio", "trio", "aiopath", "upath"}

// pyPathMethods are the file methods of pathlib.Path. Names that other
// common types share (str.replace, x.stat, x.exists) are left out.
var pyPathMethods = map[string]entry{
	"read_text": {capability: FilesystemRead}, "read_bytes": {capability: FilesystemRead},
	"iterdir": {capability: FilesystemRead}, "glob": {capability: FilesystemRead}, "rglob": {capability: FilesystemRead},
	"write_text": {capability: FilesystemWrite}, "write_bytes": {capability: FilesystemWrite},
	"mkdir": {capability: FilesystemWrite}, "unlink": {capability: FilesystemWrite}, "rmdir": {capability: FilesystemWrite},
	"touch": {capability: FilesystemWrite}, "rename": {capability: FilesystemWrite}, "symlink_to": {capability: FilesystemWrite},
	"hardlink_to": {capability: FilesystemWrite}, "chmod": {capability: FilesystemWrite},
	"open": {mode: openMode(0, "r")},
}

var goVocab = vocab{}.
	add(ProcessExec, "os/exec.Command", "os/exec.CommandContext", "os.StartProcess", "syscall.Exec", "syscall.ForkExec",
		"syscall.StartProcess", "golang.org/x/sys/unix.Exec").
	members(FilesystemRead, "os", "ReadFile", "Open", "ReadDir", "DirFS", "Readlink", "OpenRoot", "OpenInRoot").
	members(FilesystemRead, "io/ioutil", "ReadFile", "ReadDir").
	members(FilesystemRead, "path/filepath", "Walk", "WalkDir", "Glob").
	members(FilesystemWrite, "os", "WriteFile", "Create", "Remove", "RemoveAll", "Mkdir", "MkdirAll", "MkdirTemp", "CreateTemp",
		"Rename", "Symlink", "Link", "Chmod", "Chown", "Lchown", "Chtimes", "Truncate").
	members(FilesystemWrite, "io/ioutil", "WriteFile", "TempFile", "TempDir").
	modal(openFlags(1), "os.OpenFile").
	members(NetworkEgress, "net/http", "Get", "Post", "PostForm", "Head", "NewRequest", "NewRequestWithContext", "DefaultClient", "DefaultTransport").
	members(NetworkEgress, "net", "Dial", "DialTimeout", "DialTCP", "DialUDP", "DialIP", "DialUnix").
	members(NetworkEgress, "crypto/tls", "Dial", "DialWithDialer").
	members(NetworkEgress, "net/smtp", "Dial", "SendMail").
	members(NetworkEgress, "net/rpc", "Dial", "DialHTTP").
	add(NetworkEgress, "github.com/gorilla/websocket.DefaultDialer", "nhooyr.io/websocket.Dial", "github.com/coder/websocket.Dial").
	members(EnvRead, "os", "Getenv", "LookupEnv", "Environ", "ExpandEnv").
	members(EnvRead, "syscall", "Getenv", "Environ")

func init() {
	// Types, used when a value of them is constructed.
	for _, n := range []string{"net/http.Client", "net/http.Transport", "net.Dialer", "crypto/tls.Dialer", "github.com/gorilla/websocket.Dialer"} {
		goVocab[n] = entry{capability: NetworkEgress, typ: true}
	}
}

// use records the capabilities of a matched entry.
func (c *collector) use(api string, e entry, a *callArgs, pos posFunc) {
	if e.mode == nil {
		c.add(e.capability, api, pos())
		return
	}
	for _, capability := range e.mode(a) {
		c.add(capability, api, pos())
	}
}
