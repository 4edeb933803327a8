package certify

import (
	"crypto"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mcpcert/mcpcert/internal/attest"
	"github.com/mcpcert/mcpcert/internal/report"
	"github.com/mcpcert/mcpcert/internal/surface"
)

// Errors of a verification that authenticated the attestation but found
// the release unfit, distinguishable with errors.Is for exit codes.
var (
	// ErrPolicy: the tier is below the minimum, or the certification is
	// older than the maximum age.
	ErrPolicy = errors.New("certify: the certification does not meet the install policy")
	// ErrDrift: the live tool surface differs from the pinned one.
	ErrDrift = errors.New("certify: the live tools differ from the certified tools")
	// ErrReportMismatch: the report given is not the one the attestation
	// binds.
	ErrReportMismatch = errors.New("certify: the report is not the one the attestation binds")
)

// VerifyInput is what an install-time check needs.
type VerifyInput struct {
	// ArtifactSHA256 is the hex sha256 of the artifact about to be installed.
	ArtifactSHA256 string
	// Attestation is a Sigstore bundle or a classic DSSE envelope.
	Attestation []byte
	// Key verifies key-signed attestations; Keyless keyless bundles.
	Key     crypto.PublicKey
	Keyless *attest.KeylessPolicy
	// MinTier, when set, is the least tier accepted.
	MinTier report.Tier
	// MaxAge, when positive, is the oldest certification accepted.
	MaxAge time.Duration
	Now    time.Time
	// Live is the pin of a live tools/list, or nil.
	Live *surface.Pin
	// Report is the certification's JSON report, or nil. When its digest
	// matches the attestation, drift names the changed fields.
	Report []byte
}

// Verification is the outcome of a check whose signature verified.
type Verification struct {
	Subjects  []attest.Subject `json:"subjects"`
	Predicate attest.Predicate `json:"predicate"`
	// Problems are the policy failures: tier and age.
	Problems []string `json:"problems,omitempty"`
	// Drift lists the tools of the live server that differ from the pin.
	Drift []surface.ToolDrift `json:"drift,omitempty"`
	// Notes qualify the result without failing it.
	Notes []string `json:"notes,omitempty"`
}

// Verify authenticates the attestation for the artifact, then checks the
// install policy and the live tools. The error is one of attest's
// verification errors (nothing trustworthy was read), ErrReportMismatch,
// or, with a non-nil Verification, ErrDrift and/or ErrPolicy.
func Verify(in VerifyInput) (*Verification, error) {
	v, err := authenticate(in)
	if err != nil {
		return nil, err
	}
	out := &Verification{Subjects: v.Subjects, Predicate: v.Predicate}
	p := v.Predicate

	var failures []error
	if in.Live != nil {
		normals, err := pinnedNormals(in.Report, p)
		if err != nil {
			return nil, err
		}
		switch {
		case p.ToolPin == nil:
			out.Problems = append(out.Problems, "the attestation pins no tools, so the live tools cannot be checked")
			failures = append(failures, ErrDrift)
		default:
			pinned := surface.PinnedDigests{}
			for _, t := range p.ToolPin.Tools {
				pinned[t.Name] = t.SHA256
			}
			out.Drift = surface.Drift(pinned, normals, in.Live)
			if len(out.Drift) > 0 {
				failures = append(failures, ErrDrift)
			}
			if !p.ToolPin.Exact {
				out.Notes = append(out.Notes, "the pin is not exact: some tool text was not resolved from source, so a changed digest may come from extraction rather than the server")
			}
			if normals == nil {
				out.Notes = append(out.Notes, "no certification report given (--report): drift is reported per tool, without the changed fields")
			}
		}
	}
	if in.MinTier != "" && !report.Tier(p.Tier).Meets(in.MinTier) {
		out.Problems = append(out.Problems, fmt.Sprintf("tier %s is below the required %s", p.Tier, in.MinTier))
		failures = append(failures, ErrPolicy)
	}
	if in.MaxAge > 0 {
		age := in.Now.Sub(p.TimeVerified)
		if age > in.MaxAge {
			out.Problems = append(out.Problems, fmt.Sprintf("certified %s ago (%s), more than the maximum age %s: rules and vulnerability databases have moved on since",
				FormatAge(age), p.TimeVerified.UTC().Format(time.RFC3339), FormatAge(in.MaxAge)))
			failures = append(failures, ErrPolicy)
		}
	}
	return out, errors.Join(failures...)
}

// authenticate verifies the signature, the predicate type and the subject.
func authenticate(in VerifyInput) (*attest.Verified, error) {
	// A Sigstore bundle names its media type; a DSSE envelope has none.
	var head struct {
		MediaType string `json:"mediaType"`
	}
	_ = json.Unmarshal(in.Attestation, &head)
	isBundle := strings.HasPrefix(head.MediaType, "application/vnd.dev.sigstore.bundle")
	switch {
	case in.Keyless != nil && !isBundle:
		return nil, fmt.Errorf("%w: keyless verification needs a Sigstore bundle, not a bare DSSE envelope", attest.ErrMalformed)
	case in.Keyless != nil:
		return attest.VerifyBundleKeyless(in.Attestation, in.ArtifactSHA256, *in.Keyless)
	case in.Key == nil:
		return nil, errors.New("certify: a public key or a keyless identity is required")
	case isBundle:
		return attest.VerifyBundle(in.Attestation, in.ArtifactSHA256, in.Key)
	default:
		return attest.VerifyDSSE(in.Attestation, in.ArtifactSHA256, in.Key)
	}
}

// pinnedNormals reads the pinned normal forms from the certification
// report, after checking that the report is the one the attestation binds.
func pinnedNormals(data []byte, p attest.Predicate) (map[string]surface.NormalTool, error) {
	if data == nil {
		return nil, nil
	}
	sum := sha256.Sum256(data)
	if got, want := hex.EncodeToString(sum[:]), p.Findings.Report.Digest["sha256"]; got != want {
		return nil, fmt.Errorf("%w: its sha256 is %s, the attestation binds %s", ErrReportMismatch, got, want)
	}
	var r struct {
		Surface *struct {
			Pin *surface.Pin `json:"pin"`
		} `json:"surface"`
	}
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrReportMismatch, err)
	}
	out := map[string]surface.NormalTool{}
	if r.Surface != nil && r.Surface.Pin != nil {
		for _, t := range r.Surface.Pin.Tools {
			out[t.Name] = t.Normal
		}
	}
	return out, nil
}

// ParseAge reads a maximum age: a Go duration ("2160h") or a whole number
// of days or weeks ("90d", "12w").
func ParseAge(s string) (time.Duration, error) {
	for suffix, unit := range map[string]time.Duration{"d": 24 * time.Hour, "w": 7 * 24 * time.Hour} {
		if n, ok := strings.CutSuffix(s, suffix); ok {
			v, err := strconv.Atoi(n)
			if err != nil || v <= 0 {
				return 0, fmt.Errorf("%q: want a positive whole number of days (90d), weeks (12w) or a Go duration", s)
			}
			return time.Duration(v) * unit, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q: want a positive whole number of days (90d), weeks (12w) or a Go duration", s)
	}
	return d, nil
}

// FormatAge prints a duration in days when it is at least one.
func FormatAge(d time.Duration) string {
	if d >= 24*time.Hour {
		return fmt.Sprintf("%dd", int(d/(24*time.Hour)))
	}
	return d.Round(time.Second).String()
}
