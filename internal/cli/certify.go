package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/mcpcert/mcpcert/analyzers/all"
	"github.com/mcpcert/mcpcert/internal/attest"
	"github.com/mcpcert/mcpcert/internal/certify"
	"github.com/mcpcert/mcpcert/internal/report"
	"github.com/mcpcert/mcpcert/rules"
)

// password reads a cosign key password from COSIGN_PASSWORD, as cosign
// does, or prompts on the terminal. Without either it is a usage error:
// a password must never be read from a pipe by accident.
func password(s Streams, confirm bool) ([]byte, error) {
	if p, ok := os.LookupEnv("COSIGN_PASSWORD"); ok {
		return []byte(p), nil
	}
	f, ok := s.In.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil, usageErrorf("set COSIGN_PASSWORD, or run on a terminal to be prompted for the key password")
	}
	fmt.Fprint(s.Err, "Enter password for private key: ")
	p, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(s.Err)
	if err != nil || !confirm {
		return p, err
	}
	fmt.Fprint(s.Err, "Enter password for private key again: ")
	again, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(s.Err)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(p, again) {
		return nil, usageErrorf("passwords do not match")
	}
	return p, nil
}

func keygenCommand(s Streams) *cobra.Command {
	var prefix string
	cmd := &cobra.Command{
		Use:   "keygen",
		Short: "Make a cosign key pair (PREFIX.key, PREFIX.pub) for certify",
		Long: `Make an ECDSA P-256 key pair in cosign's format, exactly what
'cosign generate-key-pair' writes: the private key encrypted under the password
from COSIGN_PASSWORD (or a prompt), and the public key for verifiers.
Existing files are never overwritten.`,
		Args: exactArgs(0),
		RunE: func(*cobra.Command, []string) error {
			pw, err := password(s, true)
			if err != nil {
				return err
			}
			priv, pub, err := attest.GenerateKeyPair(pw)
			if err != nil {
				return err
			}
			if err := writeNew(prefix+".key", priv, 0o600); err != nil {
				return err
			}
			if err := writeNew(prefix+".pub", pub, 0o644); err != nil {
				return err
			}
			fmt.Fprintf(s.Err, "Private key written to %s.key\nPublic key written to %s.pub\n", prefix, prefix)
			return nil
		},
	}
	cmd.Flags().StringVar(&prefix, "output-key-prefix", "cosign", "file name prefix of the key pair")
	return cmd
}

// writeNew creates a file that must not exist yet.
func writeNew(path string, data []byte, mode os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return usageErrorf("%v", err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// CertifyOptions are the flags of `mcpcert certify`.
type CertifyOptions struct {
	ScanOptions
	Key         string
	Keyless     bool
	OutDir      string
	IDToken     string
	FulcioURL   string
	RekorURL    string
	TrustedRoot string
}

func certifyCommand(s Streams, logger func() (*slog.Logger, error)) *cobra.Command {
	o := &CertifyOptions{}
	cmd := &cobra.Command{
		Use:   "certify SOURCE (--key cosign.key | --keyless)",
		Short: "Scan, grade and sign a release: report, Sigstore bundle and DSSE envelope",
		Long: `Scan a release like 'mcpcert scan', grade it under the policy, and sign a
certification attestation (an in-toto Statement v1) bound to the release
artifact's digest. Three files are written to --out-dir, named after the artifact:

  NAME.mcpcert.json           the JSON report, bound by digest
  NAME.mcpcert.sigstore.json  Sigstore bundle: cosign verify-blob-attestation --bundle
  NAME.mcpcert.dsse.json      classic DSSE envelope: cosign verify-blob-attestation --signature

--key signs with a cosign key (password from COSIGN_PASSWORD or a prompt).
--keyless signs through Fulcio and Rekor with an OIDC token: --identity-token,
SIGSTORE_ID_TOKEN, or the ambient GitHub Actions token (id-token: write).
SOURCE_DATE_EPOCH freezes the certification time, for byte-identical output.
A rejected or incomplete release is still certified, as FAILED: the verifier
decides with --min-tier.`,
		Example: `  mcpcert certify npm:@acme/mcp-weather@1.2.3 --key cosign.key --out-dir attestations/
  mcpcert certify server-1.0.0.mcpb --keyless`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			log, err := logger()
			if err != nil {
				return err
			}
			return o.Run(cmd.Context(), args[0], s, log)
		},
	}
	fs := cmd.Flags()
	o.addAssessFlags(fs)
	o.addSourceFlags(fs)
	fs.StringVar(&o.OSVDB, "osv-db", "", "match vulnerabilities from this local OSV database directory; required with --offline")
	fs.DurationVar(&o.Budget, "analyzer-timeout", 10*time.Minute, "time budget of each analyzer")
	fs.StringVar(&o.Key, "key", "", "cosign private key (cosign.key from `mcpcert keygen` or `cosign generate-key-pair`)")
	fs.BoolVar(&o.Keyless, "keyless", false, "sign keyless through Fulcio and Rekor with an OIDC identity token")
	fs.StringVar(&o.OutDir, "out-dir", ".", "directory the report, bundle and envelope are written to")
	fs.StringVar(&o.IDToken, "identity-token", "", "OIDC identity token for --keyless (default: SIGSTORE_ID_TOKEN, then the GitHub Actions token)")
	fs.StringVar(&o.FulcioURL, "fulcio-url", attest.PublicGoodFulcioURL, "Fulcio URL for --keyless")
	fs.StringVar(&o.RekorURL, "rekor-url", attest.PublicGoodRekorURL, "Rekor URL for --keyless")
	fs.StringVar(&o.TrustedRoot, "trusted-root", "", "Sigstore trusted_root.json for --keyless (default: public-good Sigstore via TUF)")
	return cmd
}

// Run certifies ref.
func (o *CertifyOptions) Run(ctx context.Context, ref string, s Streams, log *slog.Logger) error {
	if (o.Key == "") == !o.Keyless {
		return usageErrorf("give exactly one of --key FILE and --keyless")
	}
	if o.Offline && o.OSVDB == "" {
		return usageErrorf("--offline needs --osv-db DIR (download one with `mcpcert db download --dir DIR`)")
	}
	if o.Keyless && o.Offline {
		return usageErrorf("--keyless needs the network (Fulcio and Rekor); sign offline with --key")
	}
	when, err := certificationTime()
	if err != nil {
		return err
	}
	// The key is loaded before the scan, so a wrong password fails fast.
	sign, err := o.signer(ctx, s)
	if err != nil {
		return err
	}
	res, err := o.scan(ctx, ref, all.Analyzers(), log)
	if err != nil {
		return err
	}
	r := res.Report
	subjects, err := certify.Subjects(r.Source)
	if err != nil {
		return withCode(ExitUsage, err)
	}
	set, err := rules.Default()
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := report.Write(&buf, "json", r, report.Options{Rules: set.All()}); err != nil {
		return err
	}
	reportJSON := res.Redactor.Bytes(buf.Bytes())
	base := certify.Base(r.Source)
	names := struct{ report, bundle, dsse string }{base + ".mcpcert.json", base + ".mcpcert.sigstore.json", base + ".mcpcert.dsse.json"}
	policyURI := certify.DefaultPolicyURI
	if o.Policy != "" {
		policyURI = certify.CustomPolicyURI
	}
	pred, err := certify.Predicate(certify.PredicateInput{Report: r, ReportJSON: reportJSON, ReportName: names.report, PolicyURI: policyURI, Time: when})
	if err != nil {
		return err
	}
	stmt, err := attest.Statement(subjects, pred)
	if err != nil {
		return err
	}
	// The predicate holds no evidence, but an accepted-risk reason is free
	// text: nothing signed may carry a secret found in the scan.
	if !bytes.Equal(res.Redactor.Bytes(stmt), stmt) {
		return errors.New("certify: the attestation would carry a secret found in the scan (in an accepted-risk reason?); refusing to sign")
	}
	signed, err := sign(stmt)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(o.OutDir, 0o755); err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		data []byte
	}{{names.report, reportJSON}, {names.bundle, signed.Bundle}, {names.dsse, signed.DSSE}} {
		if err := os.WriteFile(filepath.Join(o.OutDir, f.name), f.data, 0o644); err != nil {
			return err
		}
		fmt.Fprintln(s.Out, filepath.Join(o.OutDir, f.name))
	}
	a := r.Assessment
	log.Info("certified", "tier", a.Tier, "score", a.Score, "result", pred.VerificationResult, "artifact", subjects[0].Name, "sha256", subjects[0].Digest["sha256"])
	return nil
}

// signer prepares the signing function before the scan runs.
func (o *CertifyOptions) signer(ctx context.Context, s Streams) (func([]byte) (*attest.Signed, error), error) {
	if !o.Keyless {
		pem, err := os.ReadFile(o.Key)
		if err != nil {
			return nil, usageErrorf("--key: %v", err)
		}
		pw, err := password(s, false)
		if err != nil {
			return nil, err
		}
		sv, err := attest.LoadKey(pem, pw)
		if err != nil {
			return nil, usageErrorf("--key %s: %v", o.Key, err)
		}
		return func(stmt []byte) (*attest.Signed, error) { return attest.SignWithKey(stmt, sv) }, nil
	}
	tok := o.IDToken
	if tok == "" {
		tok = os.Getenv("SIGSTORE_ID_TOKEN")
	}
	if tok == "" {
		var err error
		if tok, err = attest.GitHubActionsToken(ctx); err != nil {
			return nil, usageErrorf("--keyless: %v", err)
		}
	}
	var trusted root.TrustedMaterial
	if o.TrustedRoot != "" {
		tr, err := root.NewTrustedRootFromPath(o.TrustedRoot)
		if err != nil {
			return nil, usageErrorf("--trusted-root: %v", err)
		}
		trusted = tr
	} else {
		tr, err := root.FetchTrustedRoot()
		if err != nil {
			return nil, fmt.Errorf("fetch the Sigstore trusted root (or give --trusted-root): %w", err)
		}
		trusted = tr
	}
	opts := attest.NewKeylessOptions(ctx, tok, o.FulcioURL, o.RekorURL, trusted)
	return func(stmt []byte) (*attest.Signed, error) { return attest.SignKeyless(stmt, opts) }, nil
}

// certificationTime is now, or SOURCE_DATE_EPOCH when set, so that a
// certification can be reproduced byte for byte.
func certificationTime() (time.Time, error) {
	v, ok := os.LookupEnv("SOURCE_DATE_EPOCH")
	if !ok {
		return time.Now().UTC(), nil
	}
	secs, err := strconv.ParseInt(v, 10, 64)
	if err != nil || secs < 0 {
		return time.Time{}, usageErrorf("SOURCE_DATE_EPOCH=%q is not a Unix time in seconds", v)
	}
	return time.Unix(secs, 0).UTC(), nil
}

// readAll reads a file named by a flag, as a usage error when it cannot.
func readAll(flag, path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, usageErrorf("--%s: %v", flag, err)
	}
	defer f.Close()
	// Attestations, keys and tools/list captures are small; a bound keeps a
	// hostile file from exhausting memory.
	data, err := io.ReadAll(io.LimitReader(f, 64<<20))
	if err != nil {
		return nil, usageErrorf("--%s: %v", flag, err)
	}
	return data, nil
}
