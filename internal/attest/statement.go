// Package attest builds, signs and verifies mcpcert's certification
// attestation: one in-toto Statement v1 whose predicate (PredicateType)
// summarises a certification, signed as a DSSE envelope and written both as a
// Sigstore bundle v0.3 (*.sigstore.json) and as a classic DSSE envelope, with
// a cosign key (SignWithKey) or keyless through Fulcio and Rekor
// (SignKeyless).
//
// The outputs are what stock cosign verifies for a blob:
//
//	cosign verify-blob-attestation --key cosign.pub --type <PredicateType> \
//	  --signature att.dsse.json --insecure-ignore-tlog release.tgz
//	cosign verify-blob-attestation --key cosign.pub --type <PredicateType> \
//	  --bundle att.sigstore.json --trusted-root empty_trusted_root.json \
//	  --insecure-ignore-tlog release.tgz
//
// where empty_trusted_root.json is
// {"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1"}
// (cosign v2 insists on a trusted root for bundles, even in key mode).
//
// cosign accepts an attestation when any subject's sha256 equals the blob's,
// so the only sha256 subject is the release artifact: any other file listed
// with a sha256 would pass verification in its place.
package attest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	intotov1 "github.com/in-toto/attestation/go/v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/structpb"
)

// Subject is one attested resource. Digest keys are sha256 and sha512 for
// the release artifact (sha512 being what npm's integrity field holds) or
// gitCommit for the source commit.
type Subject struct {
	Name   string
	Digest map[string]string
}

// Statement returns the in-toto Statement v1 for the subjects and predicate,
// compact and deterministic: the same input gives the same bytes, so with a
// frozen clock a certification is reproducible byte for byte.
//
// Exactly one subject carries the artifact's sha256 (and optionally its
// sha512); other subjects may only be a gitCommit. Digests are stored in
// lowercase.
func Statement(subjects []Subject, p Predicate) ([]byte, error) {
	rds, err := resourceDescriptors(subjects)
	if err != nil {
		return nil, err
	}
	if err := p.validate(); err != nil {
		return nil, err
	}
	p.TimeVerified = p.TimeVerified.UTC().Truncate(time.Second)
	// The typed predicate goes through encoding/json (its tags name the
	// fields) into a structpb.Struct, which the Statement message embeds.
	pj, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("attest: encode predicate: %w", err)
	}
	var body structpb.Struct
	if err := protojson.Unmarshal(pj, &body); err != nil {
		return nil, fmt.Errorf("attest: encode predicate: %w", err)
	}
	st := &intotov1.Statement{
		Type:          intotov1.StatementTypeUri,
		Subject:       rds,
		PredicateType: PredicateType,
		Predicate:     &body,
	}
	if err := st.Validate(); err != nil {
		return nil, fmt.Errorf("attest: invalid statement: %w", err)
	}
	// The Statement is a protobuf message: only protojson writes the in-toto
	// key names (_type, predicateType; encoding/json would write "type",
	// "predicate_type"). protojson sorts map keys but varies whitespace on
	// purpose, which Compact removes.
	out, err := protojson.Marshal(st)
	if err != nil {
		return nil, fmt.Errorf("attest: encode statement: %w", err)
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, out); err != nil {
		return nil, fmt.Errorf("attest: encode statement: %w", err)
	}
	return buf.Bytes(), nil
}

// resourceDescriptors checks the subject rules and converts the subjects,
// in the given order.
func resourceDescriptors(subjects []Subject) ([]*intotov1.ResourceDescriptor, error) {
	if len(subjects) == 0 {
		return nil, fmt.Errorf("%w: none given", ErrInvalidSubjects)
	}
	artifacts := 0
	rds := make([]*intotov1.ResourceDescriptor, 0, len(subjects))
	for _, s := range subjects {
		if s.Name == "" {
			return nil, fmt.Errorf("%w: a subject has no name", ErrInvalidSubjects)
		}
		digest := make(map[string]string, len(s.Digest))
		for _, alg := range slices.Sorted(maps.Keys(s.Digest)) {
			v := strings.ToLower(s.Digest[alg])
			if !isDigest(alg, v) {
				return nil, fmt.Errorf("%w: subject %q: %q is not a sha256, sha512 or gitCommit digest", ErrInvalidSubjects, s.Name, alg+":"+v)
			}
			digest[alg] = v
		}
		_, sha256 := digest["sha256"]
		_, commit := digest["gitCommit"]
		switch {
		case sha256 && !commit:
			artifacts++
		case commit && len(digest) == 1:
		default:
			return nil, fmt.Errorf("%w: subject %q must be either the artifact (sha256, optionally sha512) or a git commit (gitCommit alone)", ErrInvalidSubjects, s.Name)
		}
		rds = append(rds, &intotov1.ResourceDescriptor{Name: s.Name, Digest: digest})
	}
	if artifacts != 1 {
		return nil, fmt.Errorf("%w: %d subjects carry a sha256; exactly one must, the release artifact", ErrInvalidSubjects, artifacts)
	}
	return rds, nil
}

// isDigest reports whether v is a lowercase hex digest of the algorithm's
// length. in-toto defines gitCommit as a sha1 object name (40 hex digits);
// its Validate rejects anything longer.
func isDigest(alg, v string) bool {
	switch alg {
	case "sha256":
		return isHex(v, 64)
	case "sha512":
		return isHex(v, 128)
	case "gitCommit":
		return isHex(v, 40)
	}
	return false
}

func isHex(v string, n int) bool {
	if len(v) != n {
		return false
	}
	for _, c := range v {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// checkStatement makes sure stmt is an in-toto Statement v1 before it is
// signed, so nothing else gets an mcpcert signature.
func checkStatement(stmt []byte) error {
	_, err := parseStatement(stmt)
	return err
}

// parseStatement decodes and validates an in-toto Statement v1.
func parseStatement(payload []byte) (*intotov1.Statement, error) {
	var st intotov1.Statement
	if err := protojson.Unmarshal(payload, &st); err != nil {
		return nil, fmt.Errorf("%w: not an in-toto statement: %w", ErrMalformed, err)
	}
	if st.GetType() != intotov1.StatementTypeUri {
		return nil, fmt.Errorf("%w: statement type %q, want %q", ErrMalformed, st.GetType(), intotov1.StatementTypeUri)
	}
	if err := st.Validate(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return &st, nil
}
