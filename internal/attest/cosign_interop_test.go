package attest

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mcpcert/mcpcert/internal/cosigntest"
)

// The checks below run the stock cosign CLI (cosigntest.Binary: required, a
// missing cosign fails the test) on what this package writes, offline, with
// the exact commands the package documentation gives installers.

const (
	cosignVerifiedOK = "Verified OK"
	vsaType          = "https://slsa.dev/verification_summary/v1"
)

// releaseTarball is a small npm-style release: package/package.json and the
// built server, as `npm pack` lays it out.
func releaseTarball(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	files := []struct{ name, body string }{
		{"package/package.json", `{"name":"@acme/mcp-server","version":"1.2.0","main":"dist/index.js","bin":{"acme-mcp":"dist/index.js"}}` + "\n"},
		{"package/dist/index.js", "#!/usr/bin/env node\n" +
			"import { McpServer } from \"@modelcontextprotocol/sdk/server/mcp.js\";\n" +
			"const server = new McpServer({ name: \"acme\", version: \"1.2.0\" });\n" +
			"server.tool(\"add\", \"Add two numbers\", async ({ a, b }) => ({ content: [{ type: \"text\", text: String(a + b) }] }));\n"},
		{"package/README.md", "# @acme/mcp-server\n"},
	}
	for _, f := range files {
		hdr := &tar.Header{Name: f.name, Mode: 0o644, Size: int64(len(f.body)), ModTime: time.Date(1985, 10, 26, 8, 15, 0, 0, time.UTC), Format: tar.FormatPAX}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(f.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// releaseSubjects are the subjects mcpcert writes for a release artifact:
// the tarball by sha256 and sha512, and the tagged source commit.
func releaseSubjects(name string, artifact []byte) []Subject {
	sum512 := sha512.Sum512(artifact)
	return []Subject{
		{Name: name, Digest: map[string]string{"sha256": sha256Hex(artifact), "sha512": hex.EncodeToString(sum512[:])}},
		{Name: "git+https://github.com/acme/mcp-server@refs/tags/v1.2.0", Digest: map[string]string{"gitCommit": commit}},
	}
}

// writeFile writes data under dir and returns the path.
func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func readFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// signedFiles are one attestation in both forms, as files.
type signedFiles struct{ dsse, bundle string }

func writeSigned(t *testing.T, dir, prefix string, s *Signed) signedFiles {
	t.Helper()
	return signedFiles{
		dsse:   writeFile(t, dir, prefix+".intoto.dsse.json", s.DSSE),
		bundle: writeFile(t, dir, prefix+".sigstore.json", s.Bundle),
	}
}

func TestCosignVerifyBlobAttestation(t *testing.T) {
	bin := cosigntest.Binary(t)
	dir := t.TempDir()

	const artifactName = "acme-mcp-server-1.2.0.tgz"
	tgz := releaseTarball(t)
	artifact := writeFile(t, dir, artifactName, tgz)
	// The same file with one byte changed, under the same name.
	changed := bytes.Clone(tgz)
	changed[len(changed)/2] ^= 0x01
	changedArtifact := writeFile(t, dir, filepath.Join("tampered", artifactName), changed)

	// mcpcert's key, written as cosign.key/cosign.pub like generate-key-pair.
	priv, pubPEM, err := GenerateKeyPair(password)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "cosign.key", priv)
	pub := writeFile(t, dir, "cosign.pub", pubPEM)
	sv, err := LoadKey(priv, password)
	if err != nil {
		t.Fatal(err)
	}
	// Someone else's key, made by mcpcert.
	_, otherPEM, err := GenerateKeyPair(password)
	if err != nil {
		t.Fatal(err)
	}
	otherPub := writeFile(t, dir, "other.pub", otherPEM)
	// A key made by the cosign CLI itself.
	out, err := cosigntest.Run(t, bin, []string{"COSIGN_PASSWORD=" + string(password)},
		"generate-key-pair", "--output-key-prefix", filepath.Join(dir, "cli"))
	if err != nil {
		t.Fatalf("cosign generate-key-pair: %v\n%s", err, out)
	}
	cliPub := filepath.Join(dir, "cli.pub")
	// The reverse direction: cosign's key loads in attest and signs.
	cliSV, err := LoadKey(readFile(t, filepath.Join(dir, "cli.key")), password)
	if err != nil {
		t.Fatalf("a key from cosign generate-key-pair does not load: %v", err)
	}

	stmt, err := Statement(releaseSubjects(artifactName, tgz), testPredicate())
	if err != nil {
		t.Fatal(err)
	}
	signed, err := SignWithKey(stmt, sv)
	if err != nil {
		t.Fatal(err)
	}
	att := writeSigned(t, dir, "att", signed)
	cliSigned, err := SignWithKey(stmt, cliSV)
	if err != nil {
		t.Fatal(err)
	}
	cliAtt := writeSigned(t, dir, "cli-att", cliSigned)
	// A better score inside the signed payload, signature kept. The result
	// is still a well-formed statement for the same artifact: only the
	// signature can tell.
	raise := func(p []byte) []byte { return bytes.Replace(p, []byte(`"score":82`), []byte(`"score":100`), 1) }
	forged := writeSigned(t, dir, "forged", &Signed{
		DSSE:   rewriteEnvelopePayload(t, signed.DSSE, raise),
		Bundle: rewriteBundlePayload(t, signed.Bundle, raise),
	})
	if _, err := parseStatement(raise(stmt)); err != nil {
		t.Fatalf("the forged statement should be well-formed: %v", err)
	}
	emptyRoot := writeFile(t, dir, "empty_trusted_root.json",
		[]byte(`{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1"}`))

	// Rejection reasons as cosign prints them ("Error: <reason>"), the same
	// in v2.6.5 and v3.1.3 unless two are given. A bad signature is reported
	// by the same DSSE verifier in both forms, wrapped by sigstore-go in the
	// bundle path.
	var (
		badSigDSSE   = []string{"Error: accepted signatures do not match threshold, Found: 0, Expected 1"}
		badSigBundle = []string{"Error: failed to verify signature: could not verify envelope: accepted signatures do not match threshold, Found: 0, Expected 1"}
		wrongType    = func(want string) []string {
			return []string{"Error: invalid predicate type, expected " + want + " got " + PredicateType}
		}
	)
	cases := []struct {
		name string
		att  signedFiles
		key  string
		typ  string // "" leaves --type out
		blob string
		dsse []string // the rejection reason (any of); none means accepted
		bndl []string
	}{
		{name: "accepted", att: att, key: pub, typ: PredicateType, blob: artifact},
		{name: "key from cosign generate-key-pair", att: cliAtt, key: cliPub, typ: PredicateType, blob: artifact},
		{name: "artifact with one byte changed", att: att, key: pub, typ: PredicateType, blob: changedArtifact,
			dsse: []string{"Error: no matching subject digest found"},
			bndl: []string{
				"Error: failed to verify signature: provided artifact digest does not match any digest in statement", // v2
				"Error: failed to verify signature: provided artifact digests do not match digests in statement",     // v3
			}},
		{name: "tampered predicate", att: forged, key: pub, typ: PredicateType, blob: artifact,
			dsse: badSigDSSE, bndl: badSigBundle},
		{name: "another mcpcert key", att: att, key: otherPub, typ: PredicateType, blob: artifact,
			dsse: badSigDSSE, bndl: badSigBundle},
		{name: "key from cosign generate-key-pair, signed by mcpcert's", att: att, key: cliPub, typ: PredicateType, blob: artifact,
			dsse: badSigDSSE, bndl: badSigBundle},
		{name: "mcpcert key, signed by cosign's", att: cliAtt, key: pub, typ: PredicateType, blob: artifact,
			dsse: badSigDSSE, bndl: badSigBundle},
		{name: "another predicate type", att: att, key: pub, typ: vsaType, blob: artifact,
			dsse: wrongType(vsaType), bndl: wrongType(vsaType)},
		{name: "no --type (cosign's custom type)", att: att, key: pub, blob: artifact,
			dsse: wrongType("custom"), bndl: wrongType("custom")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := []string{"--key", c.key, "--insecure-ignore-tlog"}
			if c.typ != "" {
				args = append(args, "--type", c.typ)
			}
			forms := []struct {
				name string
				args []string
				want []string
			}{
				{"dsse", []string{"--signature", c.att.dsse}, c.dsse},
				{"bundle", []string{"--bundle", c.att.bundle, "--new-bundle-format", "--trusted-root", emptyRoot}, c.bndl},
			}
			for _, f := range forms {
				all := append(append(append([]string{}, args...), f.args...), c.blob)
				out, err := cosigntest.VerifyBlobAttestation(t, bin, all...)
				text := strings.TrimSpace(string(out))
				// The sandbox keeps cosign v2 from trying TUF at all.
				if strings.Contains(text, "trusted_root.json") {
					t.Errorf("%s: cosign went for the TUF trusted root:\n%s", f.name, text)
				}
				if len(f.want) == 0 {
					if err != nil || !strings.Contains(text, cosignVerifiedOK) {
						t.Errorf("%s: cosign rejected it: %v\n%s", f.name, err, text)
					}
					continue
				}
				var exit *exec.ExitError
				if !errors.As(err, &exit) || exit.ExitCode() <= 0 {
					t.Errorf("%s: want cosign to exit non-zero (%s), got %v\n%s", f.name, f.want, err, text)
					continue
				}
				t.Logf("%s: exit %d: %s", f.name, exit.ExitCode(), text)
				if !slices.ContainsFunc(f.want, func(w string) bool { return strings.Contains(text, w) }) || strings.Contains(text, cosignVerifiedOK) {
					t.Errorf("%s: cosign's reason is not %q:\n%s", f.name, f.want, text)
				}
			}
		})
	}
}
