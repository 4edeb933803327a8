// Package cosigntest runs the stock cosign CLI from tests, so that what
// mcpcert signs is proven against the verifier installers actually use. It is
// for tests only (a non-test package so that several packages' tests can
// share it); nothing in mcpcert itself imports it.
//
// cosign is a required test dependency: Binary fails the test, never skips
// it, when the CLI is missing or too old, because a green run that skipped
// the interoperability checks proves nothing. `bash .ci/run` installs it.
//
// Every invocation runs in a Sandbox: a fresh HOME and TUF cache, an
// environment built from scratch (nothing leaks in from the developer's
// COSIGN_*, SIGSTORE_* or TUF_* settings) and every proxy variable pointing
// at a local recorder, so an attempt to reach the network is caught and
// reported instead of waiting on a TUF timeout.
package cosigntest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// Version is the cosign release CI installs (.ci/run) and the README names.
const Version = "v2.6.5"

// EnvBinary names the cosign binary to use instead of the one on PATH.
const EnvBinary = "MCPCERT_COSIGN"

// Timeout bounds one cosign invocation. Offline, cosign answers in well under
// a second; the bound only matters if something starts waiting on a network.
const Timeout = 60 * time.Second

// installHint is appended to every "cosign is missing" failure.
const installHint = "the tests need the cosign CLI (v2 or v3): install it with\n" +
	"\tgo install github.com/sigstore/cosign/v2/cmd/cosign@" + Version + "\n" +
	"and put it on PATH or set " + EnvBinary + " to its path, or run `bash .ci/run`, which installs it"

// supported matches the cosign releases whose verify-blob-attestation the
// tests rely on.
var supported = regexp.MustCompile(`^v[23]\.\d+\.\d+`)

// Binary returns the path of the cosign CLI: $MCPCERT_COSIGN if set, else
// cosign on PATH. It fails the test (never skips it) when there is none or
// `cosign version` does not report v2.x or v3.x.
func Binary(t testing.TB) string {
	t.Helper()
	bin := os.Getenv(EnvBinary)
	if bin != "" {
		if _, err := os.Stat(bin); err != nil {
			t.Fatalf("%s=%s: %v\n%s", EnvBinary, bin, err, installHint)
		}
	} else {
		var err error
		if bin, err = exec.LookPath("cosign"); err != nil {
			t.Fatalf("cosign not found on PATH and %s is not set\n%s", EnvBinary, installHint)
		}
	}
	version, err := versionOf(t, bin)
	if err != nil {
		t.Fatalf("%s: %v\n%s", bin, err, installHint)
	}
	if !supported.MatchString(version) {
		t.Fatalf("%s reports version %q, want v2.x or v3.x\n%s", bin, version, installHint)
	}
	return bin
}

// versions caches `cosign version` per binary: it is asked once per test.
var versions sync.Map // path -> string

func versionOf(t testing.TB, bin string) (string, error) {
	if v, ok := versions.Load(bin); ok {
		return v.(string), nil
	}
	out, err := NewSandbox(t).Output(bin, "version", "--json")
	if err != nil {
		return "", fmt.Errorf("cosign version --json: %w\n%s", err, out)
	}
	var info struct {
		GitVersion string `json:"gitVersion"`
	}
	// The JSON is the last thing printed; anything before it is noise.
	if i := bytes.IndexByte(out, '{'); i < 0 || json.Unmarshal(out[i:], &info) != nil {
		return "", fmt.Errorf("cosign version --json printed no version: %s", out)
	}
	versions.Store(bin, info.GitVersion)
	return info.GitVersion, nil
}

// Sandbox is an isolated environment for cosign processes.
type Sandbox struct {
	// Dir is HOME, the working directory and the parent of the TUF cache.
	Dir string
	env map[string]string

	recorder *httptest.Server
	mu       sync.Mutex
	attempts []string
}

// NewSandbox makes a sandbox under t.TempDir with its own network recorder.
//
// Offline, cosign v2's verify-blob-attestation still fetches the public-good
// trusted root over TUF in key mode with --signature unless a SIGSTORE_*
// override is set (it prints "Could not fetch trusted_root.json" and goes
// on). The environment therefore
//   - sets SIGSTORE_REKOR_PUBLIC_KEY, which makes cosign skip that fetch. The
//     file does not exist: with --insecure-ignore-tlog cosign never reads it,
//     and without that flag it fails loudly instead of trusting anything;
//   - points TUF_ROOT at an empty cache in the sandbox and TUF_MIRROR at the
//     recorder, so any TUF client cosign still creates finds no cached
//     root.json and gives up before fetching (it must not fall back on the
//     root embedded for the public-good mirror);
//   - points HTTPS_PROXY, HTTP_PROXY and ALL_PROXY at the recorder, which
//     answers 403 and records the request, so whatever else tries to go out
//     fails at once and shows up in NetworkAttempts.
//
// (--bundle with --trusted-root never reaches for TUF.)
func NewSandbox(t testing.TB) *Sandbox {
	t.Helper()
	s := &Sandbox{Dir: t.TempDir()}
	s.recorder = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		target := r.Host
		if r.Method != http.MethodConnect {
			target += r.URL.Path
		}
		s.mu.Lock()
		s.attempts = append(s.attempts, r.Method+" "+target)
		s.mu.Unlock()
		http.Error(w, "cosigntest: network access refused", http.StatusForbidden)
	}))
	t.Cleanup(s.recorder.Close)
	for _, d := range []string{"tuf", "tmp", "config", "cache"} {
		if err := os.Mkdir(filepath.Join(s.Dir, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	s.env = map[string]string{
		"PATH":                      os.Getenv("PATH"),
		"HOME":                      s.Dir,
		"TMPDIR":                    filepath.Join(s.Dir, "tmp"),
		"XDG_CONFIG_HOME":           filepath.Join(s.Dir, "config"),
		"XDG_CACHE_HOME":            filepath.Join(s.Dir, "cache"),
		"DOCKER_CONFIG":             filepath.Join(s.Dir, "config", "docker"),
		"TUF_ROOT":                  filepath.Join(s.Dir, "tuf"),
		"TUF_MIRROR":                s.recorder.URL + "/tuf-mirror",
		"SIGSTORE_REKOR_PUBLIC_KEY": filepath.Join(s.Dir, "no-rekor-public-key.pem"),
		"NO_PROXY":                  "",
		"no_proxy":                  "",
	}
	for _, k := range []string{"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"} {
		s.env[k] = s.recorder.URL
	}
	return s
}

// Setenv sets a variable for the sandbox's processes, e.g. COSIGN_PASSWORD.
func (s *Sandbox) Setenv(key, value string) { s.env[key] = value }

// Unsetenv removes a variable from the sandbox's environment.
func (s *Sandbox) Unsetenv(key string) { delete(s.env, key) }

// Output runs cosign with args in the sandbox (working directory Dir, no
// stdin, Timeout) and returns its combined stdout and stderr.
func (s *Sandbox) Output(bin string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = s.Dir
	cmd.Stdin = nil
	cmd.WaitDelay = 5 * time.Second
	for _, k := range slices.Sorted(maps.Keys(s.env)) {
		cmd.Env = append(cmd.Env, k+"="+s.env[k])
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ctx.Err() != nil {
		err = fmt.Errorf("cosign %s: timed out after %v (waiting on the network?): %w", strings.Join(args, " "), Timeout, err)
	}
	return out.Bytes(), err
}

// NetworkAttempts lists the requests cosign processes of this sandbox tried
// to send, as "METHOD host[path]".
func (s *Sandbox) NetworkAttempts() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.attempts)
}

// Run runs cosign with args in a fresh sandbox, with extra environment
// variables as "KEY=value", and returns its combined output and exit error.
// It fails the test if cosign tried to reach the network.
func Run(t testing.TB, bin string, env []string, args ...string) ([]byte, error) {
	t.Helper()
	s := NewSandbox(t)
	for _, kv := range env {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			t.Fatalf("cosigntest.Run: environment entry %q is not KEY=value", kv)
		}
		s.Setenv(k, v)
	}
	out, err := s.Output(bin, args...)
	if a := s.NetworkAttempts(); len(a) > 0 {
		t.Errorf("cosign %s tried to reach the network: %v\n%s", strings.Join(args, " "), a, out)
	}
	return out, err
}

// VerifyBlobAttestation runs `cosign verify-blob-attestation args...`
// offline in a fresh sandbox and returns its combined output and exit error.
func VerifyBlobAttestation(t testing.TB, bin string, args ...string) ([]byte, error) {
	t.Helper()
	return Run(t, bin, nil, append([]string{"verify-blob-attestation"}, args...)...)
}
