package attest

import (
	"testing"

	"github.com/sigstore/sigstore-go/pkg/root"
)

// Exported for the external tests that drive the CLI against the fake
// Sigstore (keyless_cli_test.go).

type FakeSigstore = fakeSigstore

const (
	WorkflowIdentity = workflowIdentity
	RequestToken     = requestToken
)

func NewFakeSigstore(t *testing.T) *FakeSigstore { return newFakeSigstore(t) }

func (f *fakeSigstore) TrustedRoot(t *testing.T) *root.TrustedRoot { return f.trustedRoot(t, trust{}) }

func (f *fakeSigstore) URLs() (github, fulcio, rekor string) {
	return f.github.URL, f.fulcio.URL, f.rekor.URL
}
