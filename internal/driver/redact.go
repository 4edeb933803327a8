package driver

import (
	"crypto/sha256"
	"encoding/hex"
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
	secrets []string // longest first, so a secret containing another wins
	r       *strings.Replacer
}

func newRedactor() *Redactor { return &Redactor{} }

func (r *Redactor) add(s string) {
	if len(s) < 4 {
		return
	}
	for _, x := range r.secrets {
		if x == s {
			return
		}
	}
	r.secrets = append(r.secrets, s)
	sort.Slice(r.secrets, func(i, j int) bool {
		if len(r.secrets[i]) != len(r.secrets[j]) {
			return len(r.secrets[i]) > len(r.secrets[j])
		}
		return r.secrets[i] < r.secrets[j]
	})
	var pairs []string
	for _, x := range r.secrets {
		pairs = append(pairs, x, Redact(x))
	}
	r.r = strings.NewReplacer(pairs...)
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
