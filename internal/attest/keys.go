package attest

import (
	"bytes"
	"context"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/sigstore/cosign/v2/pkg/cosign"
	protocommon "github.com/sigstore/protobuf-specs/gen/pb-go/common/v1"
	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore-go/pkg/sign"
	"github.com/sigstore/sigstore/pkg/cryptoutils"
	"github.com/sigstore/sigstore/pkg/signature"
	"github.com/sigstore/sigstore/pkg/signature/options"
)

// GenerateKeyPair makes a cosign key pair, exactly as `cosign
// generate-key-pair` does: an ECDSA P-256 private key in an "ENCRYPTED
// SIGSTORE PRIVATE KEY" PEM block (scrypt + secretbox under password) and its
// "PUBLIC KEY" PEM.
func GenerateKeyPair(password []byte) (priv, pub []byte, err error) {
	kb, err := cosign.GenerateKeyPair(func(bool) ([]byte, error) { return password, nil })
	if err != nil {
		return nil, nil, fmt.Errorf("attest: generate key pair: %w", err)
	}
	return kb.PrivateBytes, kb.PublicBytes, nil
}

// LoadKey decrypts a cosign private key (ENCRYPTED SIGSTORE or ENCRYPTED
// COSIGN PRIVATE KEY) the way cosign does, so keys move freely between
// mcpcert and cosign.
func LoadKey(pemBytes, password []byte) (signature.SignerVerifier, error) {
	sv, err := cosign.LoadPrivateKey(pemBytes, password, nil)
	if err != nil {
		return nil, fmt.Errorf("attest: load cosign key: %w", err)
	}
	return sv, nil
}

// LoadPublicKey parses a PEM public key such as cosign.pub.
func LoadPublicKey(pemBytes []byte) (crypto.PublicKey, error) {
	pub, err := cryptoutils.UnmarshalPEMToPublicKey(pemBytes)
	if err != nil {
		return nil, fmt.Errorf("attest: load public key: %w", err)
	}
	return pub, nil
}

// loadOptions are cosign's key-loading options (Ed25519 keys sign as
// Ed25519ph). Signing and verifying derive algorithms with them, as cosign
// does, so the algorithm a bundle declares is the one the key signs with.
func loadOptions() []signature.LoadOption {
	return *cosign.GetDefaultLoadOptions(nil)
}

// verifierFor loads the verifier cosign would use for a public key.
func verifierFor(pub crypto.PublicKey) (signature.Verifier, error) {
	v, err := signature.LoadDefaultVerifier(pub, loadOptions()...)
	if err != nil {
		return nil, fmt.Errorf("attest: unsupported public key: %w", err)
	}
	return v, nil
}

// keyMaterial trusts exactly one key, whatever hint a bundle names (cosign
// also ignores the hint when given --key), at any time: a long-lived key has
// no validity window of its own.
func keyMaterial(v signature.Verifier) root.TrustedMaterial {
	return root.NewTrustedPublicKeyMaterial(func(string) (root.TimeConstrainedVerifier, error) {
		return root.NewExpiringKey(v, time.Time{}, time.Time{}), nil
	})
}

// keypair adapts a cosign SignerVerifier to sigstore-go's sign.Keypair;
// sigstore-go has no public constructor for an existing key (cosign's own
// adapter is internal).
type keypair struct {
	sv   signature.SignerVerifier
	pub  crypto.PublicKey
	alg  signature.AlgorithmDetails
	hint []byte
}

var _ sign.Keypair = (*keypair)(nil)

func newKeypair(sv signature.SignerVerifier) (*keypair, error) {
	pub, err := sv.PublicKey()
	if err != nil {
		return nil, fmt.Errorf("attest: signer public key: %w", err)
	}
	alg, err := signature.GetDefaultAlgorithmDetails(pub, loadOptions()...)
	if err != nil {
		return nil, fmt.Errorf("attest: unsupported signing key: %w", err)
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("attest: signer public key: %w", err)
	}
	// The hint is what cosign writes: base64(sha256(PKIX public key)).
	sum := sha256.Sum256(der)
	return &keypair{sv: sv, pub: pub, alg: alg, hint: []byte(base64.StdEncoding.EncodeToString(sum[:]))}, nil
}

func (k *keypair) GetHashAlgorithm() protocommon.HashAlgorithm { return k.alg.GetProtoHashType() }

func (k *keypair) GetSigningAlgorithm() protocommon.PublicKeyDetails {
	return k.alg.GetSignatureAlgorithm()
}

func (k *keypair) GetHint() []byte { return k.hint }

// GetKeyAlgorithm is only read when requesting a Fulcio certificate, which a
// key-signed bundle never does.
func (k *keypair) GetKeyAlgorithm() string { return "" }

func (k *keypair) GetPublicKey() crypto.PublicKey { return k.pub }

func (k *keypair) GetPublicKeyPem() (string, error) {
	p, err := cryptoutils.MarshalPublicKeyToPEM(k.pub)
	return string(p), err
}

// SignData signs data with the cosign key (which hashes it itself) and
// returns the signature and the digest that was signed.
func (k *keypair) SignData(ctx context.Context, data []byte) ([]byte, []byte, error) {
	sig, err := k.sv.SignMessage(bytes.NewReader(data), options.WithContext(ctx))
	if err != nil {
		return nil, nil, err
	}
	h := k.alg.GetHashType().New()
	h.Write(data)
	return sig, h.Sum(nil), nil
}
