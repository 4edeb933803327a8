package cosigntest

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestBinary(t *testing.T) {
	bin := Binary(t)
	v, ok := versions.Load(bin)
	if !ok || !supported.MatchString(v.(string)) {
		t.Fatalf("version of %s: %v", bin, v)
	}
	t.Logf("%s: cosign %s", bin, v)
}

// TestBinaryRefusesOtherPrograms: a program that is not cosign v2/v3 is
// refused (the check itself: Binary would end this test).
func TestBinaryRefusesOtherPrograms(t *testing.T) {
	dir := t.TempDir()
	fake := filepath.Join(dir, "cosign")
	script := "#!/bin/sh\necho '{\"gitVersion\":\"v1.13.6\"}'\n"
	if err := os.WriteFile(fake, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	v, err := versionOf(t, fake)
	if err != nil {
		t.Fatal(err)
	}
	if supported.MatchString(v) {
		t.Errorf("cosign %s accepted", v)
	}
	if err := os.WriteFile(fake, []byte("#!/bin/sh\necho 'usage: not cosign'\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	versions.Delete(fake)
	if v, err := versionOf(t, fake); err == nil {
		t.Errorf("a program printing no version gave %q", v)
	}
}

// TestSandboxEnvironment: nothing from the caller's environment leaks in.
func TestSandboxEnvironment(t *testing.T) {
	t.Setenv("COSIGN_PASSWORD", "leaked")
	t.Setenv("SIGSTORE_ROOT_FILE", "/leaked")
	t.Setenv("TUF_ROOT", "/leaked")
	s := NewSandbox(t)
	s.Setenv("EXTRA", "1")
	out, err := s.Output("/usr/bin/env")
	if err != nil {
		t.Fatal(err)
	}
	env := strings.Split(strings.TrimSpace(string(out)), "\n")
	for _, want := range []string{"HOME=" + s.Dir, "TUF_ROOT=" + filepath.Join(s.Dir, "tuf"), "EXTRA=1", "NO_PROXY="} {
		if !slices.Contains(env, want) {
			t.Errorf("%s missing from %q", want, env)
		}
	}
	if strings.Contains(string(out), "leaked") {
		t.Errorf("caller's environment leaked into the sandbox:\n%s", out)
	}
}

// TestSandboxCatchesNetwork: with the TUF mirror left at the public-good
// default, `cosign initialize` goes for tuf-repo-cdn.sigstore.dev; the
// sandbox's proxy sees and refuses it, so the isolation the other tests rely
// on is real.
func TestSandboxCatchesNetwork(t *testing.T) {
	bin := Binary(t)
	s := NewSandbox(t)
	s.Unsetenv("TUF_MIRROR")
	out, err := s.Output(bin, "initialize")
	if err == nil {
		t.Errorf("cosign initialize succeeded offline:\n%s", out)
	}
	attempts := s.NetworkAttempts()
	t.Logf("attempts %v; cosign said: %s", attempts, strings.TrimSpace(string(out)))
	if !slices.ContainsFunc(attempts, func(a string) bool { return strings.Contains(a, "tuf-repo-cdn.sigstore.dev") }) {
		t.Errorf("the recorder saw %v, want a request for tuf-repo-cdn.sigstore.dev", attempts)
	}
}
