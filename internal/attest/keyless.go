package attest

import (
	"context"
	"errors"
	"fmt"

	"github.com/sigstore/cosign/v2/pkg/providers"
	// Registers the "github-actions" token provider used below.
	_ "github.com/sigstore/cosign/v2/pkg/providers/github"
	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore-go/pkg/sign"
)

// Public-good Sigstore endpoints and GitHub's OIDC issuer. Rekor is used
// through its v1 API, which returns the integrated timestamp that dates the
// signature (v2 needs a separate timestamp authority); this is what cosign v2
// does by default.
const (
	PublicGoodFulcioURL = "https://fulcio.sigstore.dev"
	PublicGoodRekorURL  = "https://rekor.sigstore.dev"
	GitHubActionsIssuer = "https://token.actions.githubusercontent.com"
)

// ErrNoAmbientToken means no GitHub Actions OIDC token can be requested here:
// not in Actions, or the workflow lacks `permissions: id-token: write`.
var ErrNoAmbientToken = errors.New("attest: no GitHub Actions OIDC token (needs GitHub Actions with `permissions: id-token: write`)")

// githubProvider is the name cosign registers its GitHub Actions provider
// under.
const githubProvider = "github-actions"

// GitHubActionsToken requests the workflow's OIDC token for the "sigstore"
// audience, which Fulcio expects, from the endpoint GitHub announces in
// ACTIONS_ID_TOKEN_REQUEST_URL / ACTIONS_ID_TOKEN_REQUEST_TOKEN.
func GitHubActionsToken(ctx context.Context) (string, error) {
	p, err := providers.ProvideFrom(ctx, githubProvider)
	if err != nil {
		return "", fmt.Errorf("attest: %w", err)
	}
	if !p.Enabled(ctx) {
		return "", ErrNoAmbientToken
	}
	tok, err := p.Provide(ctx, "sigstore")
	if err != nil {
		return "", fmt.Errorf("attest: GitHub OIDC token: %w", err)
	}
	// cosign's provider does not check the HTTP status: a refusal decodes
	// as an empty token.
	if tok == "" {
		return "", fmt.Errorf("%w: the token endpoint returned none", ErrNoAmbientToken)
	}
	return tok, nil
}

// NewKeylessOptions wires sigstore-go's Fulcio and Rekor (v1) clients to the
// given URLs. The tests run exactly this against in-process servers.
func NewKeylessOptions(ctx context.Context, idToken, fulcioURL, rekorURL string, trusted root.TrustedMaterial) KeylessOptions {
	return KeylessOptions{
		IDToken:     idToken,
		Fulcio:      sign.NewFulcio(&sign.FulcioOptions{BaseURL: fulcioURL, Retries: 2}),
		Rekor:       []sign.Transparency{sign.NewRekor(&sign.RekorOptions{BaseURL: rekorURL, Retries: 2, Version: 1})},
		TrustedRoot: trusted,
		Context:     ctx,
	}
}

// PublicGoodKeyless returns options for signing in GitHub Actions against
// public-good Sigstore. It is a thin wrapper: the token step and
// NewKeylessOptions are tested; the trusted-root fetch (TUF from
// tuf-repo-cdn.sigstore.dev) needs the network and is not.
func PublicGoodKeyless(ctx context.Context) (KeylessOptions, error) {
	tok, err := GitHubActionsToken(ctx)
	if err != nil {
		return KeylessOptions{}, err
	}
	trusted, err := root.FetchTrustedRoot()
	if err != nil {
		return KeylessOptions{}, fmt.Errorf("attest: fetch Sigstore trusted root: %w", err)
	}
	return NewKeylessOptions(ctx, tok, PublicGoodFulcioURL, PublicGoodRekorURL, trusted), nil
}
