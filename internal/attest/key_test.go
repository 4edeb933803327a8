package attest

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"

	intotov1 "github.com/in-toto/attestation/go/v1"
	"github.com/sigstore/sigstore-go/pkg/sign"
	"github.com/sigstore/sigstore/pkg/signature"
	sigdsse "github.com/sigstore/sigstore/pkg/signature/dsse"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/structpb"
)

var password = []byte("example-password")

// keyPair is generated once: scrypt makes each cosign key take a while.
var keyPair = sync.OnceValues(func() ([2][]byte, error) {
	priv, pub, err := GenerateKeyPair(password)
	return [2][]byte{priv, pub}, err
})

func testKey(t *testing.T) (signature.SignerVerifier, []byte) {
	t.Helper()
	kp, err := keyPair()
	if err != nil {
		t.Fatal(err)
	}
	sv, err := LoadKey(kp[0], password)
	if err != nil {
		t.Fatal(err)
	}
	return sv, kp[1]
}

func signedTestStatement(t *testing.T) ([]byte, *Signed, []byte) {
	t.Helper()
	stmt, err := Statement(testSubjects(), testPredicate())
	if err != nil {
		t.Fatal(err)
	}
	sv, pubPEM := testKey(t)
	s, err := SignWithKey(stmt, sv)
	if err != nil {
		t.Fatal(err)
	}
	return stmt, s, pubPEM
}

func mustPub(t *testing.T, pemBytes []byte) crypto.PublicKey {
	t.Helper()
	pub, err := LoadPublicKey(pemBytes)
	if err != nil {
		t.Fatal(err)
	}
	return pub
}

func TestKeyPairIsCosignFormat(t *testing.T) {
	kp, err := keyPair()
	if err != nil {
		t.Fatal(err)
	}
	privBlock, _ := pem.Decode(kp[0])
	pubBlock, _ := pem.Decode(kp[1])
	if privBlock == nil || privBlock.Type != "ENCRYPTED SIGSTORE PRIVATE KEY" {
		t.Errorf("private key PEM: %.60q", kp[0])
	}
	if pubBlock == nil || pubBlock.Type != "PUBLIC KEY" {
		t.Fatalf("public key PEM: %.60q", kp[1])
	}
	if _, err := LoadKey(kp[0], []byte("wrong")); err == nil {
		t.Error("LoadKey accepted a wrong password")
	}
	if _, err := LoadKey(kp[1], password); err == nil {
		t.Error("LoadKey accepted a public key")
	}
	if _, err := LoadPublicKey([]byte("not pem")); err == nil {
		t.Error("LoadPublicKey accepted garbage")
	}
}

func TestSignWithKeyVerifies(t *testing.T) {
	stmt, s, pubPEM := signedTestStatement(t)
	pub := mustPub(t, pubPEM)
	verifiers := map[string]func([]byte, string) (*Verified, error){
		"bundle": func(b []byte, d string) (*Verified, error) { return VerifyBundle(b, d, pub) },
		"dsse":   func(b []byte, d string) (*Verified, error) { return VerifyDSSE(b, d, pub) },
	}
	inputs := map[string][]byte{"bundle": s.Bundle, "dsse": s.DSSE}
	for name, verify := range verifiers {
		t.Run(name, func(t *testing.T) {
			v, err := verify(inputs[name], artifactSHA256)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := json.Marshal(v.Predicate)
			want, _ := json.Marshal(testPredicate())
			if !bytes.Equal(got, want) {
				t.Errorf("predicate round trip:\ngot  %s\nwant %s", got, want)
			}
			if len(v.Subjects) != 2 || v.Subjects[0].Digest["sha512"] != artifactSHA512 || v.Subjects[1].Digest["gitCommit"] != commit {
				t.Errorf("subjects: %+v", v.Subjects)
			}
			if v.Statement.GetPredicateType() != PredicateType {
				t.Errorf("statement: %v", v.Statement)
			}
			// The report's "sha256:<hex>" spelling and upper case are accepted.
			if _, err := verify(inputs[name], "sha256:"+strings.ToUpper(artifactSHA256)); err != nil {
				t.Errorf("prefixed digest: %v", err)
			}
			if _, err := verify(inputs[name], "deadbeef"); err == nil || errors.Is(err, ErrSubjectMismatch) {
				t.Errorf("a malformed digest must be a usage error, got %v", err)
			}
		})
	}

	// Both files carry the statement bytes as signed and one signature.
	var env struct {
		PayloadType string `json:"payloadType"`
		Payload     []byte `json:"payload"`
		Signatures  []struct {
			KeyID string `json:"keyid"`
			Sig   []byte `json:"sig"`
		} `json:"signatures"`
	}
	if err := json.Unmarshal(s.DSSE, &env); err != nil {
		t.Fatal(err)
	}
	var b struct {
		MediaType            string `json:"mediaType"`
		VerificationMaterial struct {
			PublicKey struct {
				Hint string `json:"hint"`
			} `json:"publicKey"`
			TlogEntries []any `json:"tlogEntries"`
		} `json:"verificationMaterial"`
		DsseEnvelope struct {
			PayloadType string `json:"payloadType"`
			Payload     []byte `json:"payload"`
			Signatures  []struct {
				Sig []byte `json:"sig"`
			} `json:"signatures"`
		} `json:"dsseEnvelope"`
	}
	if err := json.Unmarshal(s.Bundle, &b); err != nil {
		t.Fatal(err)
	}
	if env.PayloadType != "application/vnd.in-toto+json" || !bytes.Equal(env.Payload, stmt) || len(env.Signatures) != 1 || env.Signatures[0].KeyID != "" {
		t.Errorf("classic envelope: %s", s.DSSE)
	}
	if b.MediaType != "application/vnd.dev.sigstore.bundle.v0.3+json" || b.DsseEnvelope.PayloadType != env.PayloadType ||
		!bytes.Equal(b.DsseEnvelope.Payload, stmt) || len(b.DsseEnvelope.Signatures) != 1 ||
		!bytes.Equal(b.DsseEnvelope.Signatures[0].Sig, env.Signatures[0].Sig) || len(b.VerificationMaterial.TlogEntries) != 0 {
		t.Errorf("bundle: %s", s.Bundle)
	}
	der, _ := x509.MarshalPKIXPublicKey(pub)
	sum := sha256.Sum256(der)
	if b.VerificationMaterial.PublicKey.Hint != base64.StdEncoding.EncodeToString(sum[:]) {
		t.Errorf("key hint %q is not base64(sha256(PKIX)) as cosign writes it", b.VerificationMaterial.PublicKey.Hint)
	}
	// The classic envelope is exactly what cosign attest-blob writes:
	// sigstore's DSSE wrapper (cosign's code path) verifies it.
	v, err := signature.LoadDefaultVerifier(pub)
	if err != nil {
		t.Fatal(err)
	}
	if err := sigdsse.WrapVerifier(v).VerifySignature(bytes.NewReader(s.DSSE), nil); err != nil {
		t.Errorf("cosign-style DSSE verification: %v", err)
	}
}

func TestVerifyRejects(t *testing.T) {
	_, s, pubPEM := signedTestStatement(t)
	pub := mustPub(t, pubPEM)
	_, otherPubPEM, err := GenerateKeyPair(nil)
	if err != nil {
		t.Fatal(err)
	}
	otherPub := mustPub(t, otherPubPEM)

	// Tampering: change the score inside the signed payload, keep valid JSON.
	tamperedBundle := rewriteBundlePayload(t, s.Bundle, func(p []byte) []byte {
		return bytes.Replace(p, []byte(`"score":82`), []byte(`"score":92`), 1)
	})
	tamperedDSSE := rewriteEnvelopePayload(t, s.DSSE, func(p []byte) []byte {
		return bytes.Replace(p, []byte(`"score":82`), []byte(`"score":92`), 1)
	})
	// Same payload, other payload type: the signature covers the type too.
	retypedDSSE := rewriteEnvelope(t, s.DSSE, func(env map[string]any) { env["payloadType"] = "application/json" })

	type check struct {
		name   string
		verify func() (*Verified, error)
		want   error
	}
	checks := []check{
		{"bundle: other artifact", func() (*Verified, error) { return VerifyBundle(s.Bundle, sha256Hex([]byte("other")), pub) }, ErrSubjectMismatch},
		{"dsse: other artifact", func() (*Verified, error) { return VerifyDSSE(s.DSSE, sha256Hex([]byte("other")), pub) }, ErrSubjectMismatch},
		{"bundle: sha512 is not the sha256", func() (*Verified, error) { return VerifyBundle(s.Bundle, artifactSHA512[:64], pub) }, ErrSubjectMismatch},
		{"bundle: tampered payload", func() (*Verified, error) { return VerifyBundle(tamperedBundle, artifactSHA256, pub) }, ErrBadSignature},
		{"dsse: tampered payload", func() (*Verified, error) { return VerifyDSSE(tamperedDSSE, artifactSHA256, pub) }, ErrBadSignature},
		{"bundle: wrong key", func() (*Verified, error) { return VerifyBundle(s.Bundle, artifactSHA256, otherPub) }, ErrBadSignature},
		{"dsse: wrong key", func() (*Verified, error) { return VerifyDSSE(s.DSSE, artifactSHA256, otherPub) }, ErrBadSignature},
		{"dsse: not in-toto", func() (*Verified, error) { return VerifyDSSE(retypedDSSE, artifactSHA256, pub) }, ErrMalformed},
		{"bundle: garbage", func() (*Verified, error) { return VerifyBundle([]byte(`{"mediaType":"x"}`), artifactSHA256, pub) }, ErrMalformed},
		{"bundle: an envelope", func() (*Verified, error) { return VerifyBundle(s.DSSE, artifactSHA256, pub) }, ErrMalformed},
		{"dsse: garbage", func() (*Verified, error) { return VerifyDSSE([]byte("[]"), artifactSHA256, pub) }, ErrMalformed},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			v, err := c.verify()
			if !errors.Is(err, c.want) || v != nil {
				t.Errorf("err = %v, want %v", err, c.want)
			}
			for _, other := range []error{ErrSubjectMismatch, ErrBadSignature, ErrPredicateType, ErrMalformed, ErrIdentityMismatch} {
				if other != c.want && errors.Is(err, other) {
					t.Errorf("err %v is also %v", err, other)
				}
			}
		})
	}
}

func TestVerifyWrongPredicateType(t *testing.T) {
	sv, pubPEM := testKey(t)
	pub := mustPub(t, pubPEM)
	vsa := otherStatement(t, "https://slsa.dev/verification_summary/v1", artifactSHA256, artifactSHA256)
	s, err := SignWithKey(vsa, sv)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyBundle(s.Bundle, artifactSHA256, pub); !errors.Is(err, ErrPredicateType) {
		t.Errorf("bundle: err = %v, want ErrPredicateType", err)
	}
	if _, err := VerifyDSSE(s.DSSE, artifactSHA256, pub); !errors.Is(err, ErrPredicateType) {
		t.Errorf("dsse: err = %v, want ErrPredicateType", err)
	}
	// Our type, but a second sha256 subject: not something mcpcert signs, and
	// the other file must not pass as the artifact.
	two := otherStatement(t, PredicateType, artifactSHA256, hexA)
	s, err = SignWithKey(two, sv)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyBundle(s.Bundle, hexA, pub); !errors.Is(err, ErrMalformed) {
		t.Errorf("second sha256 subject: err = %v, want ErrMalformed", err)
	}
}

func TestSignWithKeyRejects(t *testing.T) {
	sv, _ := testKey(t)
	for name, stmt := range map[string][]byte{
		"not JSON":        []byte("release.tgz"),
		"statement v0.1":  []byte(`{"_type":"https://in-toto.io/Statement/v0.1","subject":[{"name":"a","digest":{"sha256":"` + artifactSHA256 + `"}}],"predicateType":"x","predicate":{}}`),
		"no subject":      []byte(`{"_type":"https://in-toto.io/Statement/v1","predicateType":"x","predicate":{}}`),
		"unknown field":   []byte(`{"_type":"https://in-toto.io/Statement/v1","extra":1}`),
		"empty statement": nil,
	} {
		if _, err := SignWithKey(stmt, sv); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: err = %v, want ErrMalformed", name, err)
		}
	}
	// A signer whose signatures its own public key does not check is caught
	// by the post-signing verification, before anything is written.
	_, otherPEM, err := GenerateKeyPair(nil)
	if err != nil {
		t.Fatal(err)
	}
	other := mustPub(t, otherPEM)
	stmt, err := Statement(testSubjects(), testPredicate())
	if err != nil {
		t.Fatal(err)
	}
	if s, err := SignWithKey(stmt, lyingSigner{sv, other}); err == nil {
		t.Errorf("signed with a mismatched public key: %s", s.Bundle)
	}
}

// lyingSigner signs with one key and claims another.
type lyingSigner struct {
	signature.SignerVerifier
	pub crypto.PublicKey
}

func (l lyingSigner) PublicKey(...signature.PublicKeyOption) (crypto.PublicKey, error) {
	return l.pub, nil
}

func (l lyingSigner) VerifySignature(sig, msg io.Reader, _ ...signature.VerifyOption) error {
	v, err := signature.LoadDefaultVerifier(l.pub)
	if err != nil {
		return err
	}
	return v.VerifySignature(sig, msg)
}

// otherStatement builds an in-toto v1 statement by hand, outside
// Statement's rules.
func otherStatement(t *testing.T, predicateType string, sha256s ...string) []byte {
	t.Helper()
	st := &intotov1.Statement{Type: intotov1.StatementTypeUri, PredicateType: predicateType}
	for i, d := range sha256s {
		st.Subject = append(st.Subject, &intotov1.ResourceDescriptor{Name: string(rune('a' + i)), Digest: map[string]string{"sha256": d}})
	}
	p, err := structpb.NewStruct(map[string]any{"verificationResult": "PASSED"})
	if err != nil {
		t.Fatal(err)
	}
	st.Predicate = p
	b, err := protojson.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func rewriteEnvelope(t *testing.T, envJSON []byte, edit func(map[string]any)) []byte {
	t.Helper()
	var env map[string]any
	if err := json.Unmarshal(envJSON, &env); err != nil {
		t.Fatal(err)
	}
	edit(env)
	out, err := json.Marshal(env)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// rewritePayload decodes the base64 payload of a DSSE envelope held in a
// generic map, edits it and re-encodes it, keeping the signature.
func rewritePayload(t *testing.T, env map[string]any, edit func([]byte) []byte) {
	t.Helper()
	p, err := base64.StdEncoding.DecodeString(env["payload"].(string))
	if err != nil {
		t.Fatal(err)
	}
	q := edit(p)
	if bytes.Equal(p, q) {
		t.Fatal("edit changed nothing")
	}
	env["payload"] = base64.StdEncoding.EncodeToString(q)
}

func rewriteEnvelopePayload(t *testing.T, envJSON []byte, edit func([]byte) []byte) []byte {
	return rewriteEnvelope(t, envJSON, func(env map[string]any) { rewritePayload(t, env, edit) })
}

func rewriteBundlePayload(t *testing.T, bundleJSON []byte, edit func([]byte) []byte) []byte {
	return rewriteEnvelope(t, bundleJSON, func(b map[string]any) {
		rewritePayload(t, b["dsseEnvelope"].(map[string]any), edit)
	})
}

func TestVerifyBundleNotAnAttestation(t *testing.T) {
	sv, pubPEM := testKey(t)
	pub := mustPub(t, pubPEM)
	kp, err := newKeypair(sv)
	if err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string]sign.Content{
		"message signature": &sign.PlainData{Data: artifactBytes},
		"other payload":     &sign.DSSEData{Data: []byte(`{}`), PayloadType: "application/json"},
	} {
		pb, err := sign.Bundle(content, kp, sign.BundleOptions{})
		if err != nil {
			t.Fatal(err)
		}
		b, err := protojson.Marshal(pb)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := VerifyBundle(b, artifactSHA256, pub); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: err = %v, want ErrMalformed", name, err)
		}
	}
}

// TestSignWithKeyStable: for the same statement and key, two runs differ only
// in the ECDSA signature, which is randomised by design.
func TestSignWithKeyStable(t *testing.T) {
	stmt, a, _ := signedTestStatement(t)
	sv, _ := testKey(t)
	b, err := SignWithKey(stmt, sv)
	if err != nil {
		t.Fatal(err)
	}
	withoutSig := func(doc []byte) []byte {
		return rewriteEnvelope(t, doc, func(m map[string]any) {
			if env, ok := m["dsseEnvelope"].(map[string]any); ok {
				m = env
			}
			m["signatures"] = nil
		})
	}
	for _, pair := range [][2][]byte{{a.DSSE, b.DSSE}, {a.Bundle, b.Bundle}} {
		if !bytes.Equal(withoutSig(pair[0]), withoutSig(pair[1])) {
			t.Errorf("outputs differ beyond the signature:\n%s\n%s", pair[0], pair[1])
		}
	}
}
