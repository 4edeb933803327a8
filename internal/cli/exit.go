package cli

import (
	"errors"
	"fmt"
)

// Exit codes. They are part of mcpcert's interface: CI steps branch on them.
const (
	// ExitOK: the scan completed and nothing is at or above --fail-on.
	ExitOK = 0
	// ExitFindings: at least one finding is at or above --fail-on. This wins
	// over ExitIncomplete: what was found is a failure whatever was missed.
	ExitFindings = 1
	// ExitUsage: bad arguments, or a source that could not be fetched or
	// was refused (hostile archive, digest mismatch, not found).
	ExitUsage = 2
	// ExitIncomplete: some engine failed, timed out, was unavailable or left
	// a coverage gap; no finding at or above --fail-on among what ran.
	ExitIncomplete = 3

	// Exit codes of `mcpcert verify`, distinct from the scan's so that an
	// installer cannot mistake one check for the other.

	// ExitSignatureInvalid: the signature does not verify with the key or
	// identity, or the file is not an mcpcert attestation.
	ExitSignatureInvalid = 10
	// ExitSubjectMismatch: a valid attestation, but for another artifact.
	ExitSubjectMismatch = 11
	// ExitBelowPolicy: below --min-tier, or older than --max-age.
	ExitBelowPolicy = 12
	// ExitToolDrift: the live tools/list differs from the certified pin.
	ExitToolDrift = 13
)

// ExitCodes documents every exit code, for `mcpcert help exit-codes` and the README.
var ExitCodes = []struct {
	Code    int
	Meaning string
}{
	{ExitOK, "scan complete, no finding at or above --fail-on; certify: signed; verify: verified"},
	{ExitFindings, "at least one finding at or above --fail-on (even if the scan is also incomplete)"},
	{ExitUsage, "usage error, or the source could not be fetched or was refused"},
	{ExitIncomplete, "scan incomplete (an engine failed, timed out, was unavailable or left a coverage gap) and no finding at or above --fail-on"},
	{ExitSignatureInvalid, "verify: signature invalid, signed by another key or identity, or not an mcpcert attestation"},
	{ExitSubjectMismatch, "verify: the artifact is not the one certified (its sha256 is not a subject)"},
	{ExitBelowPolicy, "verify: the tier is below --min-tier, or the certification is older than --max-age"},
	{ExitToolDrift, "verify: the live tools/list differs from the certified tool pin (added, removed or changed tools)"},
}

// exitError carries an exit code to Main.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// withCode attaches an exit code to err (nil err: exit silently with code).
func withCode(code int, err error) error { return &exitError{code: code, err: err} }

// usageErrorf is a usage error (exit 2).
func usageErrorf(format string, args ...any) error {
	return withCode(ExitUsage, fmt.Errorf(format, args...))
}

// codeOf maps an error returned by a command to its exit code.
func codeOf(err error) int {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return ExitUsage
}
