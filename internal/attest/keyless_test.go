package attest

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/sigstore/sigstore-go/pkg/sign"
)

// actionsEnv points cosign's GitHub Actions token provider at the fake.
func actionsEnv(t *testing.T, f *fakeSigstore, token string) {
	t.Setenv("ACTIONS_ID_TOKEN_REQUEST_URL", f.github.URL+"/token?api-version=2.0")
	t.Setenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN", token)
}

// signKeyless runs the production keyless path (ambient token, Fulcio and
// Rekor clients, post-signing verification) against the fake Sigstore.
func signKeyless(t *testing.T, f *fakeSigstore) ([]byte, *Signed) {
	t.Helper()
	actionsEnv(t, f, requestToken)
	tok, err := GitHubActionsToken(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	stmt, err := Statement(testSubjects(), testPredicate())
	if err != nil {
		t.Fatal(err)
	}
	s, err := SignKeyless(stmt, NewKeylessOptions(t.Context(), tok, f.fulcio.URL, f.rekor.URL, f.trustedRoot(t, trust{})))
	if err != nil {
		t.Fatal(err)
	}
	return stmt, s
}

func TestKeylessEndToEnd(t *testing.T) {
	f := newFakeSigstore(t)
	stmt, s := signKeyless(t, f)
	trusted := f.trustedRoot(t, trust{})

	v, err := VerifyBundleKeyless(s.Bundle, artifactSHA256, KeylessPolicy{
		TrustedMaterial: trusted, Issuer: GitHubActionsIssuer, Identity: workflowIdentity,
	})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(v.Predicate)
	want, _ := json.Marshal(testPredicate())
	if !bytes.Equal(got, want) || len(v.Subjects) != 2 {
		t.Errorf("verified content:\n%s\n%s", got, want)
	}
	// The identity policy an installer would write for a repository.
	if _, err := VerifyBundleKeyless(s.Bundle, artifactSHA256, KeylessPolicy{
		TrustedMaterial: trusted, Issuer: GitHubActionsIssuer,
		IdentityRegexp: `^https://github\.com/acme/mcp-server/\.github/workflows/certify\.ya?ml@refs/tags/v.+$`,
	}); err != nil {
		t.Errorf("identity regexp: %v", err)
	}

	// The bundle is what public-good signing produces: a Fulcio certificate
	// for the workflow and a Rekor dsse entry with SET and inclusion proof.
	var b struct {
		VerificationMaterial struct {
			Certificate struct {
				RawBytes []byte `json:"rawBytes"`
			} `json:"certificate"`
			TlogEntries []struct {
				KindVersion      struct{ Kind, Version string } `json:"kindVersion"`
				InclusionPromise struct {
					SignedEntryTimestamp []byte `json:"signedEntryTimestamp"`
				} `json:"inclusionPromise"`
				InclusionProof struct {
					Checkpoint struct{ Envelope string } `json:"checkpoint"`
				} `json:"inclusionProof"`
			} `json:"tlogEntries"`
		} `json:"verificationMaterial"`
		DsseEnvelope struct {
			Payload []byte `json:"payload"`
		} `json:"dsseEnvelope"`
	}
	if err := json.Unmarshal(s.Bundle, &b); err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(b.VerificationMaterial.Certificate.RawBytes)
	if err != nil {
		t.Fatalf("bundle certificate: %v", err)
	}
	if len(cert.URIs) != 1 || cert.URIs[0].String() != workflowIdentity {
		t.Errorf("certificate SAN %v", cert.URIs)
	}
	te := b.VerificationMaterial.TlogEntries
	if len(te) != 1 || te[0].KindVersion.Kind != "dsse" || len(te[0].InclusionPromise.SignedEntryTimestamp) == 0 || te[0].InclusionProof.Checkpoint.Envelope == "" {
		t.Errorf("tlog entries: %+v", te)
	}
	if !bytes.Equal(b.DsseEnvelope.Payload, stmt) {
		t.Error("bundle payload is not the statement")
	}
	// The classic envelope carries the same signature, checkable with the
	// certificate's key.
	if _, err := VerifyDSSE(s.DSSE, artifactSHA256, cert.PublicKey); err != nil {
		t.Errorf("DSSE with the certificate key: %v", err)
	}
}

func TestKeylessVerifyRejects(t *testing.T) {
	f := newFakeSigstore(t)
	_, s := signKeyless(t, f)
	trusted := f.trustedRoot(t, trust{})
	policy := func(edit func(*KeylessPolicy)) KeylessPolicy {
		p := KeylessPolicy{TrustedMaterial: trusted, Issuer: GitHubActionsIssuer, Identity: workflowIdentity}
		edit(&p)
		return p
	}
	tampered := rewriteBundlePayload(t, s.Bundle, func(p []byte) []byte {
		return bytes.Replace(p, []byte(`"verificationResult":"PASSED"`), []byte(`"verificationResult":"FAILED"`), 1)
	})
	other := newFakeSigstore(t)
	cases := []struct {
		name   string
		bundle []byte
		digest string
		policy KeylessPolicy
		want   error
	}{
		{"another workflow", s.Bundle, artifactSHA256, policy(func(p *KeylessPolicy) {
			p.Identity = "https://github.com/acme/mcp-server/.github/workflows/other.yml@refs/tags/v1.2.0"
		}), ErrIdentityMismatch},
		{"another repository by regexp", s.Bundle, artifactSHA256, policy(func(p *KeylessPolicy) {
			p.Identity, p.IdentityRegexp = "", `^https://github\.com/evil/`
		}), ErrIdentityMismatch},
		{"another issuer", s.Bundle, artifactSHA256, policy(func(p *KeylessPolicy) {
			p.Issuer = "https://accounts.google.com"
		}), ErrIdentityMismatch},
		{"other artifact", s.Bundle, sha256Hex([]byte("other")), policy(func(*KeylessPolicy) {}), ErrSubjectMismatch},
		{"tampered payload", tampered, artifactSHA256, policy(func(*KeylessPolicy) {}), ErrBadSignature},
		{"another Sigstore's root", s.Bundle, artifactSHA256, policy(func(p *KeylessPolicy) {
			p.TrustedMaterial = other.trustedRoot(t, trust{})
		}), ErrBadSignature},
		{"another Fulcio CA", s.Bundle, artifactSHA256, policy(func(p *KeylessPolicy) {
			p.TrustedMaterial = f.trustedRoot(t, trust{fulcio: other})
		}), ErrBadSignature},
		{"CT log not trusted (no valid SCT)", s.Bundle, artifactSHA256, policy(func(p *KeylessPolicy) {
			p.TrustedMaterial = f.trustedRoot(t, trust{noCT: true})
		}), ErrBadSignature},
		{"Rekor log not trusted", s.Bundle, artifactSHA256, policy(func(p *KeylessPolicy) {
			p.TrustedMaterial = f.trustedRoot(t, trust{noRekor: true})
		}), ErrBadSignature},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, err := VerifyBundleKeyless(c.bundle, c.digest, c.policy)
			if !errors.Is(err, c.want) || v != nil {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
			for _, e := range []error{ErrIdentityMismatch, ErrBadSignature, ErrSubjectMismatch, ErrMalformed} {
				if e != c.want && errors.Is(err, e) {
					t.Errorf("err %v is also %v", err, e)
				}
			}
		})
	}

	// A keyless bundle is not a key-signed one, even for the certificate's
	// own key.
	_, otherPub, err := GenerateKeyPair(nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyBundle(s.Bundle, artifactSHA256, mustPub(t, otherPub)); !errors.Is(err, ErrBadSignature) {
		t.Errorf("key mode on a keyless bundle: %v", err)
	}
	// A key-signed bundle does not pass keyless verification.
	_, keyed, _ := signedTestStatement(t)
	if _, err := VerifyBundleKeyless(keyed.Bundle, artifactSHA256, policy(func(*KeylessPolicy) {})); !errors.Is(err, ErrBadSignature) {
		t.Errorf("keyless mode on a key-signed bundle: %v", err)
	}
	// A policy without trust or identity is refused outright.
	for name, p := range map[string]KeylessPolicy{
		"no trusted root": policy(func(p *KeylessPolicy) { p.TrustedMaterial = nil }),
		"no issuer":       policy(func(p *KeylessPolicy) { p.Issuer = "" }),
		"no identity":     policy(func(p *KeylessPolicy) { p.Identity = "" }),
		"bad regexp":      policy(func(p *KeylessPolicy) { p.IdentityRegexp = "(" }),
	} {
		if _, err := VerifyBundleKeyless(s.Bundle, artifactSHA256, p); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := VerifyBundleKeyless(s.Bundle, "xyz", policy(func(*KeylessPolicy) {})); err == nil {
		t.Error("accepted a malformed artifact digest")
	}
}

func TestSignKeylessFails(t *testing.T) {
	f := newFakeSigstore(t)
	stmt, err := Statement(testSubjects(), testPredicate())
	if err != nil {
		t.Fatal(err)
	}
	tok := idToken(GitHubActionsIssuer, actionsSubject, workflowRef)
	good := func() KeylessOptions {
		return NewKeylessOptions(context.Background(), tok, f.fulcio.URL, f.rekor.URL, f.trustedRoot(t, trust{}))
	}
	cases := map[string]func(*KeylessOptions){
		"no token":        func(o *KeylessOptions) { o.IDToken = "" },
		"no Fulcio":       func(o *KeylessOptions) { o.Fulcio = nil },
		"no Rekor":        func(o *KeylessOptions) { o.Rekor = nil },
		"no trusted root": func(o *KeylessOptions) { o.TrustedRoot = nil },
		// Fulcio refuses a token without the workflow claim.
		"Fulcio refuses": func(o *KeylessOptions) { o.IDToken = idToken(GitHubActionsIssuer, actionsSubject, "") },
		"Rekor down": func(o *KeylessOptions) {
			o.Rekor = []sign.Transparency{sign.NewRekor(&sign.RekorOptions{BaseURL: f.fulcio.URL, Version: 1})}
		},
		// Signed and logged, but not verifiable with the root we trust: the
		// run fails instead of writing an attestation nobody can verify.
		"post-signing check": func(o *KeylessOptions) { o.TrustedRoot = newFakeSigstore(t).trustedRoot(t, trust{}) },
	}
	for name, edit := range cases {
		t.Run(name, func(t *testing.T) {
			o := good()
			edit(&o)
			if s, err := SignKeyless(stmt, o); err == nil {
				t.Errorf("signed: %.200s", s.Bundle)
			}
		})
	}
	if _, err := SignKeyless([]byte("{}"), good()); !errors.Is(err, ErrMalformed) {
		t.Errorf("non-statement: %v", err)
	}
	// The unmodified options sign: the failures above are the edits'.
	if _, err := SignKeyless(stmt, good()); err != nil {
		t.Fatal(err)
	}
}

func TestGitHubActionsToken(t *testing.T) {
	f := newFakeSigstore(t)
	t.Setenv("ACTIONS_ID_TOKEN_REQUEST_URL", "")
	t.Setenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "")
	if _, err := GitHubActionsToken(t.Context()); !errors.Is(err, ErrNoAmbientToken) {
		t.Errorf("outside Actions: %v", err)
	}
	// PublicGoodKeyless stops at the token, before any network access.
	if _, err := PublicGoodKeyless(t.Context()); !errors.Is(err, ErrNoAmbientToken) {
		t.Errorf("PublicGoodKeyless outside Actions: %v", err)
	}
	// Without `id-token: write` GitHub refuses; cosign's provider decodes the
	// refusal as an empty token.
	actionsEnv(t, f, "wrong-request-token")
	if _, err := GitHubActionsToken(t.Context()); !errors.Is(err, ErrNoAmbientToken) {
		t.Errorf("refused: %v", err)
	}
	actionsEnv(t, f, requestToken)
	tok, err := GitHubActionsToken(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(tok, ".") != 2 {
		t.Errorf("token %q is not a JWT", tok)
	}
}
