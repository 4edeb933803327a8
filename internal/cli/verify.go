package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/spf13/cobra"

	"github.com/mcpcert/mcpcert/internal/attest"
	"github.com/mcpcert/mcpcert/internal/certify"
	"github.com/mcpcert/mcpcert/internal/report"
	"github.com/mcpcert/mcpcert/internal/surface"
)

// VerifyOptions are the flags of `mcpcert verify`.
type VerifyOptions struct {
	Bundle         string
	Key            string
	Identity       string
	IdentityRegexp string
	Issuer         string
	IssuerRegexp   string
	TrustedRoot    string
	MinTier        string
	MaxAge         string
	ToolsJSON      string
	Report         string
	Format         string
	// Now is the clock --max-age is measured by; nil means time.Now.
	Now func() time.Time
}

func verifyCommand(s Streams) *cobra.Command {
	o := &VerifyOptions{}
	cmd := &cobra.Command{
		Use:   "verify ARTIFACT --bundle FILE (--key cosign.pub | --certificate-identity ID --certificate-oidc-issuer URL)",
		Short: "Check a release against its certification before installing it",
		Long: `Check, at install time, that ARTIFACT (the exact file about to be installed)
has a valid mcpcert certification: the signature verifies with the key or the
keyless identity, the predicate type is mcpcert's, and the artifact's sha256 is
a subject. Then apply the install policy: --min-tier, --max-age, and with
--tools-json the tools a live server actually serves (its tools/list) against
the certified pin, tool by tool: added, removed, and changed fields (the
rug-pull check). --report (the certification's JSON report, found next to the
bundle by default) lets drift name the changed fields.

--bundle takes the Sigstore bundle or the classic DSSE envelope.

Exit codes: 0 verified; 10 signature invalid (or not an mcpcert attestation,
or another signer); 11 the artifact is not the certified one; 12 below
--min-tier or older than --max-age; 13 the live tools drifted from the pin;
2 usage. When several apply, the first in this list wins.`,
		Example: `  mcpcert verify mcp-weather-1.2.3.tgz --bundle mcp-weather-1.2.3.mcpcert.sigstore.json \
    --key cosign.pub --min-tier production --max-age 90d --tools-json live-tools.json`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.Run(cmd.Context(), args[0], s)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&o.Bundle, "bundle", "", "the certification: a Sigstore bundle (*.sigstore.json) or a DSSE envelope (*.dsse.json)")
	fs.StringVar(&o.Key, "key", "", "cosign public key (cosign.pub)")
	fs.StringVar(&o.Identity, "certificate-identity", "", "keyless: the signer's identity, e.g. https://github.com/ORG/REPO/.github/workflows/certify.yml@refs/tags/v1.2.3")
	fs.StringVar(&o.IdentityRegexp, "certificate-identity-regexp", "", "keyless: a regexp the signer's identity must match")
	fs.StringVar(&o.Issuer, "certificate-oidc-issuer", "", "keyless: the OIDC issuer, e.g. "+attest.GitHubActionsIssuer)
	fs.StringVar(&o.IssuerRegexp, "certificate-oidc-issuer-regexp", "", "keyless: a regexp the OIDC issuer must match")
	fs.StringVar(&o.TrustedRoot, "trusted-root", "", "keyless: Sigstore trusted_root.json (default: public-good Sigstore via TUF)")
	fs.StringVar(&o.MinTier, "min-tier", "", "least tier accepted: regulated, production, sandbox or rejected")
	fs.StringVar(&o.MaxAge, "max-age", "", "oldest certification accepted, e.g. 90d, 12w or 2160h")
	fs.StringVar(&o.ToolsJSON, "tools-json", "", "a live tools/list response to check against the certified tool pin")
	fs.StringVar(&o.Report, "report", "", "the certification's JSON report (default: the file the attestation names, next to --bundle, if present)")
	fs.StringVar(&o.Format, "format", "text", "text or json")
	return cmd
}

// Run verifies artifact.
func (o *VerifyOptions) Run(ctx context.Context, artifact string, s Streams) error {
	in, err := o.input(ctx, artifact)
	if err != nil {
		return err
	}
	v, verr := certify.Verify(in)
	switch {
	case verr == nil, errors.Is(verr, certify.ErrDrift), errors.Is(verr, certify.ErrPolicy):
	case errors.Is(verr, attest.ErrSubjectMismatch):
		return withCode(ExitSubjectMismatch, fmt.Errorf("%s is not the certified artifact: %w", artifact, verr))
	case errors.Is(verr, attest.ErrBadSignature), errors.Is(verr, attest.ErrMalformed), errors.Is(verr, attest.ErrPredicateType),
		errors.Is(verr, attest.ErrIdentityMismatch), errors.Is(verr, certify.ErrReportMismatch):
		return withCode(ExitSignatureInvalid, verr)
	default:
		return withCode(ExitUsage, verr)
	}
	if err := o.print(s.Out, artifact, v, verr); err != nil {
		return err
	}
	switch {
	case errors.Is(verr, certify.ErrDrift):
		return withCode(ExitToolDrift, nil)
	case errors.Is(verr, certify.ErrPolicy):
		return withCode(ExitBelowPolicy, nil)
	}
	return nil
}

// input reads and checks every flag before anything is verified.
func (o *VerifyOptions) input(ctx context.Context, artifact string) (certify.VerifyInput, error) {
	var in certify.VerifyInput
	if o.Bundle == "" {
		return in, usageErrorf("--bundle is required")
	}
	keyless := o.Identity != "" || o.IdentityRegexp != "" || o.Issuer != "" || o.IssuerRegexp != ""
	if (o.Key != "") == keyless {
		return in, usageErrorf("give either --key or --certificate-identity(-regexp) with --certificate-oidc-issuer(-regexp)")
	}
	if o.Format != "text" && o.Format != "json" {
		return in, usageErrorf("--format %q: want text or json", o.Format)
	}
	if o.MinTier != "" {
		t := report.Tier(o.MinTier)
		if t.Rank() == 0 {
			return in, usageErrorf("--min-tier %q: want regulated, production, sandbox or rejected", o.MinTier)
		}
		in.MinTier = t
	}
	if o.MaxAge != "" {
		d, err := certify.ParseAge(o.MaxAge)
		if err != nil {
			return in, usageErrorf("--max-age %v", err)
		}
		in.MaxAge = d
	}
	in.Now = time.Now()
	if o.Now != nil {
		in.Now = o.Now()
	}
	f, err := os.Open(artifact)
	if err != nil {
		return in, usageErrorf("%v", err)
	}
	h := sha256.New()
	_, err = io.Copy(h, f)
	f.Close()
	if err != nil {
		return in, usageErrorf("%s: %v", artifact, err)
	}
	in.ArtifactSHA256 = hex.EncodeToString(h.Sum(nil))
	if in.Attestation, err = readAll("bundle", o.Bundle); err != nil {
		return in, err
	}
	if o.Key != "" {
		pem, err := readAll("key", o.Key)
		if err != nil {
			return in, err
		}
		if in.Key, err = attest.LoadPublicKey(pem); err != nil {
			return in, usageErrorf("--key %s: %v", o.Key, err)
		}
	} else {
		policy := attest.KeylessPolicy{Issuer: o.Issuer, IssuerRegexp: o.IssuerRegexp, Identity: o.Identity, IdentityRegexp: o.IdentityRegexp}
		if o.TrustedRoot != "" {
			tr, err := root.NewTrustedRootFromPath(o.TrustedRoot)
			if err != nil {
				return in, usageErrorf("--trusted-root: %v", err)
			}
			policy.TrustedMaterial = tr
		} else {
			tr, err := root.FetchTrustedRoot()
			if err != nil {
				return in, fmt.Errorf("fetch the Sigstore trusted root (or give --trusted-root): %w", err)
			}
			policy.TrustedMaterial = tr
		}
		in.Keyless = &policy
	}
	if o.ToolsJSON != "" {
		data, err := readAll("tools-json", o.ToolsJSON)
		if err != nil {
			return in, err
		}
		live, err := surface.ParseLive(data, o.ToolsJSON)
		if err != nil {
			return in, usageErrorf("--tools-json: %v", err)
		}
		if in.Live, err = surface.PinTools(live.Tools); err != nil {
			return in, usageErrorf("--tools-json: %v", err)
		}
		if in.Report, err = o.report(in.Attestation); err != nil {
			return in, err
		}
	}
	return in, nil
}

// report reads --report, or the report the attestation names when it sits
// next to the bundle. Verify checks its digest before using it.
func (o *VerifyOptions) report(attestation []byte) ([]byte, error) {
	if o.Report != "" {
		return readAll("report", o.Report)
	}
	name := reportNameOf(attestation)
	if name == "" {
		return nil, nil
	}
	data, err := os.ReadFile(filepath.Join(filepath.Dir(o.Bundle), name))
	if err != nil {
		return nil, nil
	}
	return data, nil
}

// reportNameOf peeks at the report URI the (not yet verified) statement
// names. It only chooses which file to read; Verify checks that file's
// digest against the authenticated statement.
func reportNameOf(attestation []byte) string {
	var env struct {
		Payload      []byte `json:"payload"`
		DSSEEnvelope *struct {
			Payload []byte `json:"payload"`
		} `json:"dsseEnvelope"`
	}
	if json.Unmarshal(attestation, &env) != nil {
		return ""
	}
	payload := env.Payload
	if env.DSSEEnvelope != nil {
		payload = env.DSSEEnvelope.Payload
	}
	var st struct {
		Predicate struct {
			Findings struct {
				Report struct {
					URI string `json:"uri"`
				} `json:"report"`
			} `json:"findings"`
		} `json:"predicate"`
	}
	if json.Unmarshal(payload, &st) != nil {
		return ""
	}
	uri := st.Predicate.Findings.Report.URI
	// A bare file name only: never a path the attestation chose.
	if uri == "" || strings.ContainsAny(uri, `/\`) || uri == "." || uri == ".." {
		return ""
	}
	return uri
}

// print writes the verification result: what was verified, and every
// problem and drift.
func (o *VerifyOptions) print(w io.Writer, artifact string, v *certify.Verification, verr error) error {
	if o.Format == "json" {
		status := "verified"
		switch {
		case errors.Is(verr, certify.ErrDrift):
			status = "tool-drift"
		case errors.Is(verr, certify.ErrPolicy):
			status = "policy-failed"
		}
		out := struct {
			Status   string `json:"status"`
			Artifact string `json:"artifact"`
			*certify.Verification
		}{status, artifact, v}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	p := v.Predicate
	fmt.Fprintf(w, "Verified: %s\n", report.SanitizeLine(artifact))
	fmt.Fprintf(w, "  release   %s\n", report.SanitizeLine(p.ResourceURI))
	fmt.Fprintf(w, "  tier      %s (score %d, %s)\n", report.SanitizeLine(p.Tier), p.Score, p.VerificationResult)
	fmt.Fprintf(w, "  certified %s by %s %s\n", p.TimeVerified.UTC().Format(time.RFC3339), report.SanitizeLine(p.Verifier.ID), report.SanitizeLine(p.Verifier.Version["mcpcert"]))
	fmt.Fprintf(w, "  rules     %s\n", report.SanitizeLine(p.RulesVersion))
	if p.ToolPin != nil {
		fmt.Fprintf(w, "  tools     %d pinned, manifest sha256 %s\n", len(p.ToolPin.Tools), p.ToolPin.SHA256)
	}
	for _, a := range p.AcceptedRisks {
		fmt.Fprintf(w, "  accepted  %s %s (%s): %s\n", report.SanitizeLine(a.RuleID), a.Fingerprint, report.SanitizeLine(a.Origin), report.SanitizeLine(a.Reason))
	}
	for _, pr := range v.Problems {
		fmt.Fprintf(w, "FAILED: %s\n", report.SanitizeLine(pr))
	}
	for _, d := range v.Drift {
		line := fmt.Sprintf("DRIFT: tool %q %s", d.Tool, d.Kind)
		if len(d.Fields) > 0 {
			line += ": " + strings.Join(d.Fields, ", ")
		}
		fmt.Fprintln(w, report.SanitizeLine(line))
	}
	for _, n := range v.Notes {
		fmt.Fprintf(w, "note: %s\n", report.SanitizeLine(n))
	}
	return nil
}
