package attest_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcpcert/mcpcert/internal/attest"
	"github.com/mcpcert/mcpcert/internal/cli"
)

// TestKeylessCertifyVerify runs `mcpcert certify --keyless` as it runs in
// GitHub Actions (the ambient OIDC token, Fulcio, Rekor) against the
// in-process Sigstore, then `mcpcert verify` with the workflow identity and
// that Sigstore's trusted root: the keyless path end to end, no network.
func TestKeylessCertifyVerify(t *testing.T) {
	f := attest.NewFakeSigstore(t)
	github, fulcio, rekor := f.URLs()
	t.Setenv("ACTIONS_ID_TOKEN_REQUEST_URL", github+"/token?api-version=2.0")
	t.Setenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN", attest.RequestToken)
	t.Setenv("SIGSTORE_ID_TOKEN", "")
	dir := t.TempDir()
	trJSON, err := f.TrustedRoot(t).MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	trustedRoot := filepath.Join(dir, "trusted_root.json")
	os.WriteFile(trustedRoot, trJSON, 0o644)
	artifact := filepath.Join(dir, "notes-0.4.2.zip")
	zipDir(t, "../../fixtures/servers/ts-notes", artifact)

	run := func(args ...string) (int, string) {
		var out, errb bytes.Buffer
		code := cli.Main(context.Background(), args, cli.Streams{Out: &out, Err: &errb})
		return code, out.String() + errb.String()
	}
	code, out := run("certify", artifact, "--keyless", "--fulcio-url", fulcio, "--rekor-url", rekor, "--trusted-root", trustedRoot,
		"--osv-db", "../../fixtures/osvdb", "--out-dir", dir)
	if code != 0 {
		t.Fatalf("certify --keyless: exit %d\n%s", code, out)
	}
	bundle := filepath.Join(dir, "notes-0.4.2.mcpcert.sigstore.json")
	verify := func(identity string) (int, string) {
		return run("verify", artifact, "--bundle", bundle, "--trusted-root", trustedRoot,
			"--certificate-identity", identity, "--certificate-oidc-issuer", attest.GitHubActionsIssuer, "--min-tier", "production")
	}
	if code, out := verify(attest.WorkflowIdentity); code != cli.ExitOK || !strings.Contains(out, "tier      regulated") {
		t.Errorf("verify: exit %d\n%s", code, out)
	}
	if code, out := verify("https://github.com/evil/fork/.github/workflows/certify.yml@refs/heads/main"); code != cli.ExitSignatureInvalid {
		t.Errorf("another identity: exit %d, want %d\n%s", code, cli.ExitSignatureInvalid, out)
	}
}

// zipDir packs a fixture server as a release zip.
func zipDir(t *testing.T, src, dst string) {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		w, err := zw.Create(filepath.ToSlash(rel))
		if err != nil {
			return err
		}
		_, err = w.Write(data)
		return err
	})
	if err == nil {
		err = zw.Close()
	}
	if err == nil {
		err = os.WriteFile(dst, buf.Bytes(), 0o644)
	}
	if err != nil {
		t.Fatal(err)
	}
}
