package attest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	"github.com/sigstore/sigstore-go/pkg/bundle"
	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore-go/pkg/sign"
	"github.com/sigstore/sigstore/pkg/signature"
	"google.golang.org/protobuf/encoding/protojson"
)

// inTotoPayloadType is the DSSE payload type of in-toto statements.
const inTotoPayloadType = "application/vnd.in-toto+json"

// Signed is one signature over a statement in both formats.
type Signed struct {
	// DSSE is the classic envelope JSON, byte for byte what cosign
	// attest-blob --output-signature writes: for verify-blob-attestation
	// --signature.
	DSSE []byte
	// Bundle is a Sigstore bundle v0.3 (*.sigstore.json) holding the same
	// envelope plus the key hint or the Fulcio certificate and Rekor entry:
	// for verify-blob-attestation --bundle.
	Bundle []byte
}

// SignWithKey signs an in-toto Statement v1 (normally from Statement) with a
// cosign key. The bundle carries no transparency-log entry: cosign verifies it
// with --insecure-ignore-tlog.
func SignWithKey(stmt []byte, sv signature.SignerVerifier) (*Signed, error) {
	if err := checkStatement(stmt); err != nil {
		return nil, err
	}
	kp, err := newKeypair(sv)
	if err != nil {
		return nil, err
	}
	pb, err := sign.Bundle(dsseContent(stmt), kp, sign.BundleOptions{
		// sigstore-go verifies what it signed against this material: a key
		// whose signatures its own public key does not check fails here,
		// before anything is written.
		TrustedRoot: keyMaterial(sv),
	})
	if err != nil {
		return nil, fmt.Errorf("attest: sign: %w", err)
	}
	return encode(pb)
}

// KeylessOptions configure keyless signing: an ephemeral key certified by
// Fulcio for the OIDC identity in IDToken, the signature logged in Rekor.
// Every field is injectable so tests can run against an in-process Sigstore;
// PublicGoodKeyless and NewKeylessOptions build the production values.
type KeylessOptions struct {
	IDToken string
	Fulcio  sign.CertificateProvider
	// Rekor must hold at least one log: a Fulcio certificate lives for ten
	// minutes, and the log's timestamp is what proves the signature was made
	// within them.
	Rekor []sign.Transparency
	// TrustedRoot verifies the bundle right after signing (Fulcio chain and
	// Rekor entry), so a misconfigured service fails the run instead of
	// producing an unverifiable attestation.
	TrustedRoot root.TrustedMaterial
	// Context bounds the Fulcio and Rekor requests; nil means Background.
	Context context.Context
}

// SignKeyless signs an in-toto Statement v1 keyless. Both outputs hold the same
// signature; the DSSE envelope alone cannot be verified keyless, since the
// certificate and log entry live in the bundle.
func SignKeyless(stmt []byte, o KeylessOptions) (*Signed, error) {
	switch {
	case o.IDToken == "":
		return nil, errors.New("attest: keyless signing needs an OIDC identity token")
	case o.Fulcio == nil:
		return nil, errors.New("attest: keyless signing needs a certificate provider (Fulcio)")
	case len(o.Rekor) == 0:
		return nil, errors.New("attest: keyless signing needs a transparency log (Rekor)")
	case o.TrustedRoot == nil:
		return nil, errors.New("attest: keyless signing needs the trusted root to check its result")
	}
	if err := checkStatement(stmt); err != nil {
		return nil, err
	}
	kp, err := sign.NewEphemeralKeypair(nil)
	if err != nil {
		return nil, fmt.Errorf("attest: ephemeral key: %w", err)
	}
	pb, err := sign.Bundle(dsseContent(stmt), kp, sign.BundleOptions{
		CertificateProvider:        o.Fulcio,
		CertificateProviderOptions: &sign.CertificateProviderOptions{IDToken: o.IDToken},
		TransparencyLogs:           o.Rekor,
		TrustedRoot:                o.TrustedRoot,
		Context:                    o.Context,
	})
	if err != nil {
		return nil, fmt.Errorf("attest: keyless sign: %w", err)
	}
	return encode(pb)
}

func dsseContent(stmt []byte) *sign.DSSEData {
	return &sign.DSSEData{Data: stmt, PayloadType: inTotoPayloadType}
}

// encode writes the bundle as compact JSON and derives the classic envelope
// from the bundle's own, so both files carry one signature.
func encode(pb *protobundle.Bundle) (*Signed, error) {
	b, err := bundle.NewBundle(pb)
	if err != nil {
		return nil, fmt.Errorf("attest: bundle: %w", err)
	}
	env, err := b.Envelope()
	if err != nil {
		return nil, fmt.Errorf("attest: bundle: %w", err)
	}
	envJSON, err := json.Marshal(env.RawEnvelope())
	if err != nil {
		return nil, fmt.Errorf("attest: encode envelope: %w", err)
	}
	raw, err := protojson.Marshal(pb)
	if err != nil {
		return nil, fmt.Errorf("attest: encode bundle: %w", err)
	}
	var bundleJSON bytes.Buffer
	if err := json.Compact(&bundleJSON, raw); err != nil {
		return nil, fmt.Errorf("attest: encode bundle: %w", err)
	}
	return &Signed{DSSE: envJSON, Bundle: bundleJSON.Bytes()}, nil
}
