package attest

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-openapi/runtime"
	ct "github.com/google/certificate-transparency-go"
	cttls "github.com/google/certificate-transparency-go/tls"
	ctx509 "github.com/google/certificate-transparency-go/x509"
	ctx509util "github.com/google/certificate-transparency-go/x509util"
	"github.com/sigstore/rekor/pkg/generated/models"
	"github.com/sigstore/rekor/pkg/types"
	"github.com/sigstore/sigstore-go/pkg/fulcio/certificate"
	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore-go/pkg/testing/ca"
	"github.com/sigstore/sigstore-go/pkg/tlog"
	"github.com/sigstore/sigstore/pkg/cryptoutils"
	"github.com/sigstore/sigstore/pkg/signature"
)

// A GitHub Actions workflow identity, as Fulcio puts it in the certificate.
const (
	workflowRef      = "acme/mcp-server/.github/workflows/certify.yml@refs/tags/v1.2.0"
	workflowIdentity = "https://github.com/" + workflowRef
	actionsSubject   = "repo:acme/mcp-server:ref:refs/tags/v1.2.0"
	requestToken     = "actions-request-token"
)

// fakeSigstore is an in-process public-good Sigstore speaking the real wire
// protocols, so the production clients (sign.NewFulcio, sign.NewRekor and
// cosign's GitHub token provider) run unchanged against it:
//
//   - github: the Actions OIDC token endpoint, handing out a JWT for
//     workflowRef (unsigned: Fulcio is the one that checks tokens, and this
//     Fulcio is fake);
//   - fulcio: POST /api/v2/signingCert checks proof of possession of the key
//     and issues a code-signing certificate for the token's workflow, with the
//     identity in a URI SAN, the issuer in OID 1.3.6.1.4.1.57264.1.8 and an
//     embedded SCT from a CT log, as public-good Fulcio does;
//   - rekor: POST /api/v1/log/entries validates and canonicalises the
//     proposed entry with Rekor's own types and answers with a signed entry
//     timestamp and an inclusion proof from sigstore-go's VirtualSigstore
//     (pkg/testing/ca), whose Rekor key is in the trusted root.
//
// VirtualSigstore can only certify keys it generates itself (its Fulcio
// intermediate key is private), so the CA is built from its exported
// GenerateRootCa and GenerateFulcioIntermediate instead.
type fakeSigstore struct {
	vs        *ca.VirtualSigstore
	rootCert  *x509.Certificate
	interCert *x509.Certificate
	interKey  *ecdsa.PrivateKey
	ctKey     *ecdsa.PrivateKey

	github, fulcio, rekor *httptest.Server
}

func newFakeSigstore(t *testing.T) *fakeSigstore {
	t.Helper()
	vs, err := ca.NewVirtualSigstore()
	if err != nil {
		t.Fatal(err)
	}
	rootCert, rootKey, err := ca.GenerateRootCa()
	if err != nil {
		t.Fatal(err)
	}
	interCert, interKey, err := ca.GenerateFulcioIntermediate(rootCert, rootKey)
	if err != nil {
		t.Fatal(err)
	}
	ctKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeSigstore{vs: vs, rootCert: rootCert, interCert: interCert, interKey: interKey, ctKey: ctKey}
	f.github = httptest.NewServer(http.HandlerFunc(f.serveGitHubToken))
	f.fulcio = httptest.NewServer(http.HandlerFunc(f.serveFulcio))
	f.rekor = httptest.NewServer(http.HandlerFunc(f.serveRekor))
	t.Cleanup(func() {
		f.github.Close()
		f.fulcio.Close()
		f.rekor.Close()
	})
	return f
}

// trust selects what a trusted root leaves out or takes from elsewhere.
type trust struct {
	noCT, noRekor bool
	// fulcio, when set, supplies the Fulcio CA instead.
	fulcio *fakeSigstore
}

// trustedRoot is the trusted root of this Sigstore, changed as o says.
func (f *fakeSigstore) trustedRoot(t *testing.T, o trust) *root.TrustedRoot {
	t.Helper()
	now := time.Now()
	ctLogs := map[string]*root.TransparencyLog{}
	if !o.noCT {
		id := f.ctLogID(t)
		ctLogs[hex.EncodeToString(id[:])] = &root.TransparencyLog{
			BaseURL:             "https://ctfe.localhost",
			ID:                  id[:],
			ValidityPeriodStart: now.Add(-time.Hour),
			ValidityPeriodEnd:   now.Add(time.Hour),
			HashFunc:            crypto.SHA256,
			PublicKey:           f.ctKey.Public(),
			SignatureHashFunc:   crypto.SHA256,
		}
	}
	rekorLogs := map[string]*root.TransparencyLog{}
	if !o.noRekor {
		// VirtualSigstore keeps the hex of the log ID as the ID's bytes;
		// public-good roots hold the raw ID. Use the raw ID so that the
		// root survives a trip through trusted_root.json.
		for k, l := range f.vs.RekorLogs() {
			id, err := hex.DecodeString(k)
			if err != nil {
				t.Fatal(err)
			}
			raw := *l
			raw.ID = id
			rekorLogs[k] = &raw
		}
	}
	caFrom := f
	if o.fulcio != nil {
		caFrom = o.fulcio
	}
	tr, err := root.NewTrustedRoot(root.TrustedRootMediaType01,
		[]root.CertificateAuthority{&root.FulcioCertificateAuthority{
			Root:                caFrom.rootCert,
			Intermediates:       []*x509.Certificate{caFrom.interCert},
			ValidityPeriodStart: now.Add(-time.Hour),
			ValidityPeriodEnd:   now.Add(time.Hour),
			URI:                 caFrom.fulcio.URL,
		}},
		ctLogs, nil, rekorLogs)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func (f *fakeSigstore) ctLogID(t *testing.T) [32]byte {
	der, err := x509.MarshalPKIXPublicKey(f.ctKey.Public())
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(der)
}

// idToken is a GitHub Actions OIDC token's shape: the claims Fulcio reads.
func idToken(issuer, subject, jobWorkflowRef string) string {
	enc := base64.RawURLEncoding.EncodeToString
	claims, _ := json.Marshal(map[string]any{
		"iss": issuer, "sub": subject, "aud": "sigstore", "job_workflow_ref": jobWorkflowRef,
	})
	return enc([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + enc(claims) + "." + enc([]byte("unsigned"))
}

func (f *fakeSigstore) serveGitHubToken(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/token" || r.URL.Query().Get("audience") != "sigstore" || r.Header.Get("Authorization") != "bearer "+requestToken {
		http.Error(w, `{"message":"Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable"}`, http.StatusForbidden)
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]string{"value": idToken(GitHubActionsIssuer, actionsSubject, workflowRef)})
}

func (f *fakeSigstore) serveFulcio(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/api/v2/signingCert" {
		http.NotFound(w, r)
		return
	}
	var claims struct {
		Issuer         string `json:"iss"`
		Subject        string `json:"sub"`
		JobWorkflowRef string `json:"job_workflow_ref"`
	}
	parts := strings.Split(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "), ".")
	if len(parts) != 3 {
		http.Error(w, "no bearer token", http.StatusUnauthorized)
		return
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil || json.Unmarshal(raw, &claims) != nil || claims.JobWorkflowRef == "" {
		http.Error(w, "bad token", http.StatusUnauthorized)
		return
	}
	var req struct {
		PublicKeyRequest struct {
			PublicKey struct {
				Content string `json:"content"`
			} `json:"publicKey"`
			ProofOfPossession []byte `json:"proofOfPossession"`
		} `json:"publicKeyRequest"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	pub, err := cryptoutils.UnmarshalPEMToPublicKey([]byte(req.PublicKeyRequest.PublicKey.Content))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	// Proof of possession: the token's subject signed with the key.
	v, err := signature.LoadDefaultVerifier(pub)
	if err == nil {
		err = v.VerifySignature(bytes.NewReader(req.PublicKeyRequest.ProofOfPossession), strings.NewReader(claims.Subject))
	}
	if err != nil {
		http.Error(w, "proof of possession: "+err.Error(), http.StatusBadRequest)
		return
	}
	leaf, err := f.issue(pub, "https://github.com/"+claims.JobWorkflowRef, claims.Issuer)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	var chain []string
	for _, c := range []*x509.Certificate{leaf, f.interCert, f.rootCert} {
		chain = append(chain, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})))
	}
	_ = json.NewEncoder(w).Encode(map[string]any{
		"signedCertificateEmbeddedSct": map[string]any{"chain": map[string]any{"certificates": chain}},
	})
}

// issue certifies pub for a ten-minute window with an embedded SCT. The CT
// log signs the certificate's TBS without the SCT list, which is what
// verifiers reconstruct (RFC 6962 §3.3), so the certificate is made twice
// from one template.
func (f *fakeSigstore) issue(pub crypto.PublicKey, san, issuer string) (*x509.Certificate, error) {
	u, err := url.Parse(san)
	if err != nil {
		return nil, err
	}
	issuerExt, err := asn1.MarshalWithParams(issuer, "utf8")
	if err != nil {
		return nil, err
	}
	serial, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:    serial,
		NotBefore:       now.Add(-time.Minute),
		NotAfter:        now.Add(10 * time.Minute),
		KeyUsage:        x509.KeyUsageDigitalSignature,
		ExtKeyUsage:     []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
		URIs:            []*url.URL{u},
		ExtraExtensions: []pkix.Extension{{Id: certificate.OIDIssuerV2, Value: issuerExt}},
	}
	pre, err := f.create(tmpl, pub)
	if err != nil {
		return nil, err
	}
	sctList, err := f.sctList(pre)
	if err != nil {
		return nil, err
	}
	tmpl.ExtraExtensions = append(tmpl.ExtraExtensions, pkix.Extension{Id: asn1.ObjectIdentifier(ctx509.OIDExtensionCTSCT), Value: sctList})
	return f.create(tmpl, pub)
}

func (f *fakeSigstore) create(tmpl *x509.Certificate, pub crypto.PublicKey) (*x509.Certificate, error) {
	der, err := x509.CreateCertificate(rand.Reader, tmpl, f.interCert, pub, f.interKey)
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificate(der)
}

// sctList returns the DER of an SCT list extension holding the CT log's
// signed timestamp for the precertificate.
func (f *fakeSigstore) sctList(pre *x509.Certificate) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(f.ctKey.Public())
	if err != nil {
		return nil, err
	}
	sct := ct.SignedCertificateTimestamp{
		SCTVersion: ct.V1,
		LogID:      ct.LogID{KeyID: sha256.Sum256(der)},
		Timestamp:  uint64(time.Now().UnixMilli()),
	}
	input, err := ct.SerializeSCTSignatureInput(sct, ct.LogEntry{Leaf: ct.MerkleTreeLeaf{
		Version:  ct.V1,
		LeafType: ct.TimestampedEntryLeafType,
		TimestampedEntry: &ct.TimestampedEntry{
			Timestamp: sct.Timestamp,
			EntryType: ct.PrecertLogEntryType,
			PrecertEntry: &ct.PreCert{
				IssuerKeyHash:  sha256.Sum256(f.interCert.RawSubjectPublicKeyInfo),
				TBSCertificate: pre.RawTBSCertificate,
			},
		},
	}})
	if err != nil {
		return nil, err
	}
	digest := sha256.Sum256(input)
	sig, err := ecdsa.SignASN1(rand.Reader, f.ctKey, digest[:])
	if err != nil {
		return nil, err
	}
	sct.Signature = ct.DigitallySigned{
		Algorithm: cttls.SignatureAndHashAlgorithm{Hash: cttls.SHA256, Signature: cttls.ECDSA},
		Signature: sig,
	}
	list, err := ctx509util.MarshalSCTsIntoSCTList([]*ct.SignedCertificateTimestamp{&sct})
	if err != nil {
		return nil, err
	}
	tlsList, err := cttls.Marshal(*list)
	if err != nil {
		return nil, err
	}
	return asn1.Marshal(tlsList)
}

func (f *fakeSigstore) serveRekor(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/api/v1/log/entries" {
		http.NotFound(w, r)
		return
	}
	pe, err := models.UnmarshalProposedEntry(r.Body, runtime.JSONConsumer())
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	// As the Rekor server does: validate the entry (for dsse, its signature
	// against the certificate) and store its canonical form.
	entry, err := types.CreateVersionedEntry(pe)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	body, err := types.CanonicalizeEntry(r.Context(), entry)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	logID, err := f.vs.RekorLogID()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	integrated, index := time.Now().Unix(), int64(0)
	b64 := base64.StdEncoding.EncodeToString(body)
	set, err := f.vs.RekorSignPayload(tlog.RekorPayload{Body: b64, IntegratedTime: integrated, LogIndex: index, LogID: logID})
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	proof, err := f.vs.GetInclusionProof(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	leaf := sha256.Sum256(append([]byte{0}, body...))
	uuid := hex.EncodeToString(leaf[:])
	w.Header().Set("ETag", uuid)
	w.Header().Set("Location", "/api/v1/log/entries/"+uuid)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(models.LogEntry{uuid: models.LogEntryAnon{
		Body:           b64,
		IntegratedTime: &integrated,
		LogID:          &logID,
		LogIndex:       &index,
		Verification:   &models.LogEntryAnonVerification{SignedEntryTimestamp: set, InclusionProof: proof},
	}})
}
