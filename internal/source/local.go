package source

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/package-url/packageurl-go"
)

// archive unpacks a local archive file. Hashing and extraction read the same
// open file, so a rename between the two cannot swap the bytes.
func (f *fetcher) archive(r Ref) (string, Identity, error) {
	base := filepath.Base(r.Path)
	wrap := func(err error) (string, Identity, error) {
		return "", Identity{}, fmt.Errorf("archive %q: %w", base, err)
	}
	fh, err := os.Open(r.Path)
	if errors.Is(err, os.ErrNotExist) {
		return wrap(ErrNotFound)
	}
	if err != nil {
		return wrap(err)
	}
	defer fh.Close()
	fi, err := fh.Stat()
	if err != nil {
		return wrap(err)
	}
	if !fi.Mode().IsRegular() {
		return wrap(fmt.Errorf("%w: not a regular file", ErrBadRef))
	}
	size := fi.Size()
	if size > f.opts.Limits.MaxDownloadBytes {
		return wrap(fmt.Errorf("%w: %d bytes exceeds the %d-byte artifact limit", ErrLimitExceeded, size, f.opts.Limits.MaxDownloadBytes))
	}
	hw := newHashingWriter(io.Discard)
	if _, err := io.Copy(hw, io.NewSectionReader(fh, 0, size)); err != nil {
		return wrap(err)
	}

	want, _ := formatFor(base)
	lower := strings.ToLower(base)
	bundle := strings.HasSuffix(lower, ".mcpb") || strings.HasSuffix(lower, ".dxt")
	var ra io.ReaderAt = fh
	if bundle {
		var signed bool
		ra, size, signed, err = mcpbPayload(fh, size)
		if err != nil {
			return wrap(err)
		}
		if signed {
			f.skipped = append(f.skipped, Skipped{Path: base, Reason: "mcpb signature block stripped (not verified)"})
		}
	}
	// Bundles and wheels define their own root layout (manifest.json,
	// *.dist-info), so only other archives lose a single wrapping directory.
	strip := !bundle && !strings.HasSuffix(lower, ".whl")
	root, err := f.unpack(ra, size, base, want, strip)
	if err != nil {
		return wrap(err)
	}
	id := Identity{
		Artifact: base,
		URL:      fileURL(r.Path),
		Digests:  map[string]string{"sha256": hex.EncodeToString(hw.sums().sha256)},
	}
	if bundle {
		id.Name, id.Version = bundleNameVersion(root)
	}
	return root, id, nil
}

// bundleNameVersion reads name and version from an MCPB manifest.json.
// Problems are ignored: the manifest is validated by the analysers, this is
// only a label.
func bundleNameVersion(root string) (string, string) {
	fh, err := os.Open(filepath.Join(root, "manifest.json"))
	if err != nil {
		return "", ""
	}
	defer fh.Close()
	var m struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	}
	if json.NewDecoder(io.LimitReader(fh, 1<<20)).Decode(&m) != nil || !label(m.Name) || !label(m.Version) {
		return "", ""
	}
	return m.Name, m.Version
}

// label reports whether s is fit to be shown as a name or version.
func label(s string) bool {
	return s != "" && len(s) <= 256 && !strings.ContainsFunc(s, unicode.IsControl)
}

// purl renders a package URL, or "" if the parts do not make a valid one.
func purl(typ, namespace, name, version string) string {
	p := packageurl.NewPackageURL(typ, namespace, name, version, nil, "")
	if p.Normalize() != nil {
		return ""
	}
	return p.ToString()
}
