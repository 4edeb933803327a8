package driver

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Redact shows at most a 4-character prefix of a secret, and only of a long
// one, plus its length: enough to recognise a token's kind (ghp_, xoxb-),
// never enough to use it.
func Redact(secret string) string {
	n := utf8.RuneCountInString(secret)
	prefix := ""
	if n >= 16 {
		prefix = string([]rune(secret)[:4])
	}
	return prefix + strings.Repeat("*", 8) + " (" + strconv.Itoa(n) + " chars)"
}

// SecretFingerprint identifies a secret across scans without revealing it:
// a domain-separated sha256, truncated to 64 bits. (A low-entropy password
// could be guessed from it offline; high-entropy tokens cannot.)
func SecretFingerprint(secret string) string {
	sum := sha256.Sum256([]byte("mcpcert/secret/v1\x00" + secret))
	return "sha256:" + hex.EncodeToString(sum[:8])
}

// Redactor replaces every known secret in text by its redacted form. The
// CLI runs every rendered report through it as a last line of defence.
type Redactor struct {
	r *strings.Replacer
}

// newRedactor builds the replacer once for all secrets of a run. Longer
// secrets come first, so a secret containing another is replaced whole;
// secrets under 4 characters are not replaced (they would mangle text).
func newRedactor(secrets []string) *Redactor {
	secrets = slices.DeleteFunc(slices.Clone(secrets), func(s string) bool { return len(s) < 4 })
	sort.Slice(secrets, func(i, j int) bool {
		if len(secrets[i]) != len(secrets[j]) {
			return len(secrets[i]) > len(secrets[j])
		}
		return secrets[i] < secrets[j]
	})
	secrets = slices.Compact(secrets)
	if len(secrets) == 0 {
		return &Redactor{}
	}
	pairs := make([]string, 0, 2*len(secrets))
	for _, x := range secrets {
		pairs = append(pairs, x, Redact(x))
	}
	return &Redactor{r: strings.NewReplacer(pairs...)}
}

// String redacts s.
func (r *Redactor) String(s string) string {
	if r == nil || r.r == nil {
		return s
	}
	return r.r.Replace(s)
}

// Bytes redacts b.
func (r *Redactor) Bytes(b []byte) []byte {
	if r == nil || r.r == nil {
		return b
	}
	return []byte(r.r.Replace(string(b)))
}
