package attest

import (
	"bytes"
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	intotov1 "github.com/in-toto/attestation/go/v1"
	ssldsse "github.com/secure-systems-lab/go-securesystemslib/dsse"
	"github.com/sigstore/sigstore-go/pkg/bundle"
	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore-go/pkg/verify"
	sigdsse "github.com/sigstore/sigstore/pkg/signature/dsse"
	"google.golang.org/protobuf/encoding/protojson"
)

// Errors, distinguishable with errors.Is so that `mcpcert verify` can map
// them to exit codes. Verification checks the container's format
// (ErrMalformed), then the signature and signer (ErrBadSignature,
// ErrIdentityMismatch), and only then the authenticated statement: its form
// (ErrMalformed), its type (ErrPredicateType) and its subject
// (ErrSubjectMismatch). Nothing unauthenticated decides between the last
// three.
var (
	// ErrMalformed: not a bundle, DSSE envelope or in-toto Statement v1.
	ErrMalformed = errors.New("attest: malformed attestation")
	// ErrBadSignature: the signature, certificate chain, certificate
	// transparency or transparency-log proof does not verify with the given
	// key or trusted root.
	ErrBadSignature = errors.New("attest: signature verification failed")
	// ErrIdentityMismatch: a valid keyless signature, but by a certificate
	// identity or OIDC issuer other than the one required.
	ErrIdentityMismatch = errors.New("attest: signed by another identity")
	// ErrPredicateType: a valid attestation of some other kind.
	ErrPredicateType = errors.New("attest: wrong predicate type")
	// ErrSubjectMismatch: a valid attestation, but for another artifact.
	ErrSubjectMismatch = errors.New("attest: artifact digest matches no subject")
	// ErrInvalidSubjects: subjects that break the subject rules (see
	// Statement).
	ErrInvalidSubjects = errors.New("attest: invalid subjects")
	// ErrInvalidPredicate: a predicate missing a required field or holding
	// a malformed value.
	ErrInvalidPredicate = errors.New("attest: invalid predicate")
)

// Verified is an authenticated statement about the given artifact.
type Verified struct {
	Statement *intotov1.Statement
	Predicate Predicate
	Subjects  []Subject
}

// VerifyBundle verifies a key-signed Sigstore bundle against a cosign public
// key and the artifact's sha256 (hex, optionally "sha256:"-prefixed).
func VerifyBundle(bundleJSON []byte, artifactSHA256 string, pub crypto.PublicKey) (*Verified, error) {
	want, err := artifactDigest(artifactSHA256)
	if err != nil {
		return nil, err
	}
	v, err := verifierFor(pub)
	if err != nil {
		return nil, err
	}
	sev, err := verify.NewVerifier(keyMaterial(v), verify.WithNoObserverTimestamps())
	if err != nil {
		return nil, fmt.Errorf("attest: verifier: %w", err)
	}
	return verifyBundle(bundleJSON, want, sev, verify.WithKey())
}

// KeylessPolicy says whom a keyless bundle must come from. At least one of
// Issuer/IssuerRegexp and one of Identity/IdentityRegexp are required:
// a Fulcio certificate without an identity check proves nothing.
type KeylessPolicy struct {
	// TrustedMaterial holds the Fulcio CAs, CT logs and Rekor logs to trust,
	// e.g. from root.FetchTrustedRoot or root.NewTrustedRootFromPath.
	TrustedMaterial root.TrustedMaterial
	// Issuer is the OIDC issuer, e.g. GitHubActionsIssuer.
	Issuer       string
	IssuerRegexp string
	// Identity is the certificate's subject alternative name; for GitHub
	// Actions "https://github.com/ORG/REPO/.github/workflows/FILE@REF".
	Identity       string
	IdentityRegexp string
}

// VerifyBundleKeyless verifies a keyless Sigstore bundle: the certificate
// chains to a trusted Fulcio CA, carries a valid SCT, and names the required
// identity; the signature is in a trusted Rekor log whose timestamp falls
// within the certificate's validity.
func VerifyBundleKeyless(bundleJSON []byte, artifactSHA256 string, p KeylessPolicy) (*Verified, error) {
	want, err := artifactDigest(artifactSHA256)
	if err != nil {
		return nil, err
	}
	switch {
	case p.TrustedMaterial == nil:
		return nil, errors.New("attest: keyless verification needs a trusted root")
	case p.Issuer == "" && p.IssuerRegexp == "", p.Identity == "" && p.IdentityRegexp == "":
		return nil, errors.New("attest: keyless verification needs an OIDC issuer and a certificate identity")
	}
	id, err := verify.NewShortCertificateIdentity(p.Issuer, p.IssuerRegexp, p.Identity, p.IdentityRegexp)
	if err != nil {
		return nil, fmt.Errorf("attest: identity policy: %w", err)
	}
	sev, err := verify.NewVerifier(p.TrustedMaterial,
		verify.WithSignedCertificateTimestamps(1),
		verify.WithTransparencyLog(1),
		verify.WithObserverTimestamps(1))
	if err != nil {
		return nil, fmt.Errorf("attest: verifier: %w", err)
	}
	return verifyBundle(bundleJSON, want, sev, verify.WithCertificateIdentity(id))
}

// verifyBundle verifies the bundle's signature for the signer policy, then
// checks the authenticated statement.
func verifyBundle(data []byte, want string, sev *verify.Verifier, signer verify.PolicyOption) (*Verified, error) {
	var b bundle.Bundle
	if err := b.UnmarshalJSON(data); err != nil {
		return nil, fmt.Errorf("%w: not a Sigstore bundle: %w", ErrMalformed, err)
	}
	env, err := b.Envelope()
	if err != nil {
		return nil, fmt.Errorf("%w: bundle holds no DSSE envelope: %w", ErrMalformed, err)
	}
	if env.PayloadType != inTotoPayloadType {
		return nil, fmt.Errorf("%w: payload type %q, want %q", ErrMalformed, env.PayloadType, inTotoPayloadType)
	}
	payload, err := env.DecodeB64Payload()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	// The artifact is checked by statementFor on the authenticated
	// statement, not by sigstore-go, so that a mismatch gets its own error.
	if _, err := sev.Verify(&b, verify.NewPolicy(verify.WithoutArtifactUnsafe(), signer)); err != nil {
		var idErr *verify.ErrNoMatchingCertificateIdentity
		if errors.As(err, &idErr) {
			return nil, fmt.Errorf("%w: %w", ErrIdentityMismatch, err)
		}
		return nil, fmt.Errorf("%w: %w", ErrBadSignature, err)
	}
	return statementFor(payload, want)
}

// VerifyDSSE verifies a classic, key-signed DSSE envelope against a cosign
// public key and the artifact's sha256 (hex), as cosign
// verify-blob-attestation --signature does.
func VerifyDSSE(envelope []byte, artifactSHA256 string, pub crypto.PublicKey) (*Verified, error) {
	want, err := artifactDigest(artifactSHA256)
	if err != nil {
		return nil, err
	}
	var env ssldsse.Envelope
	if err := json.Unmarshal(envelope, &env); err != nil {
		return nil, fmt.Errorf("%w: not a DSSE envelope: %w", ErrMalformed, err)
	}
	if env.PayloadType != inTotoPayloadType {
		return nil, fmt.Errorf("%w: payload type %q, want %q", ErrMalformed, env.PayloadType, inTotoPayloadType)
	}
	v, err := verifierFor(pub)
	if err != nil {
		return nil, err
	}
	var payload []byte
	dv := sigdsse.WrapVerifier(v, sigdsse.WithDecodedPayload(&payload))
	if err := dv.VerifySignature(bytes.NewReader(envelope), nil); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadSignature, err)
	}
	return statementFor(payload, want)
}

// statementFor checks an authenticated payload: an in-toto Statement v1 of
// PredicateType whose sha256 subject is the artifact.
func statementFor(payload []byte, want string) (*Verified, error) {
	st, err := parseStatement(payload)
	if err != nil {
		return nil, err
	}
	if st.GetPredicateType() != PredicateType {
		return nil, fmt.Errorf("%w: %q, want %q", ErrPredicateType, st.GetPredicateType(), PredicateType)
	}
	var signed []Subject
	for _, rd := range st.GetSubject() {
		signed = append(signed, Subject{Name: rd.GetName(), Digest: rd.GetDigest()})
	}
	// The subject rules hold for verification too: a statement with a
	// second sha256 subject is not one mcpcert would have signed.
	rds, err := resourceDescriptors(signed)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	subjects := make([]Subject, 0, len(rds))
	matched := false
	for _, rd := range rds {
		subjects = append(subjects, Subject{Name: rd.GetName(), Digest: rd.GetDigest()})
		matched = matched || rd.GetDigest()["sha256"] == want
	}
	if !matched {
		return nil, fmt.Errorf("%w: sha256 %s", ErrSubjectMismatch, want)
	}
	pj, err := protojson.Marshal(st.GetPredicate())
	if err != nil {
		return nil, fmt.Errorf("%w: predicate: %w", ErrMalformed, err)
	}
	var p Predicate
	if err := json.Unmarshal(pj, &p); err != nil {
		return nil, fmt.Errorf("%w: predicate: %w", ErrMalformed, err)
	}
	return &Verified{Statement: st, Predicate: p, Subjects: subjects}, nil
}

// artifactDigest normalises the artifact's sha256 (hex, optionally written
// "sha256:<hex>" as in the report) to lowercase hex.
func artifactDigest(s string) (string, error) {
	d := strings.ToLower(strings.TrimPrefix(s, "sha256:"))
	if !isHex(d, 64) {
		return "", fmt.Errorf("attest: artifact digest %q is not a hex sha256", s)
	}
	return d, nil
}
