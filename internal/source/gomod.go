package source

import (
	"archive/zip"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/module"
	"golang.org/x/mod/sumdb/dirhash"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
	modzip "golang.org/x/mod/zip"
)

// gomod fetches a module zip from the proxy, validates it with x/mod's own
// rules plus our Limits, checks its h1 hash against the checksum database,
// and only then extracts it with x/mod (which strips the "module@version/"
// prefix).
func (f *fetcher) gomod(r Ref) (string, Identity, error) {
	m := module.Version{Path: r.Name, Version: r.Version}
	wrap := func(err error) (string, Identity, error) {
		return "", Identity{}, fmt.Errorf("go %s@%s: %w", m.Path, m.Version, err)
	}
	escPath, err := module.EscapePath(m.Path)
	if err != nil {
		return wrap(fmt.Errorf("%w: %v", ErrBadRef, err))
	}
	escVer, err := module.EscapeVersion(m.Version)
	if err != nil {
		return wrap(fmt.Errorf("%w: %v", ErrBadRef, err))
	}
	base := f.opts.GoProxy + "/" + escPath + "/@v/" + escVer
	var info struct{ Version string }
	if err := f.getJSON(base+".info", "application/json", &info); err != nil {
		return wrap(err)
	}
	if info.Version != m.Version {
		return wrap(fmt.Errorf("%w: proxy resolved the version to %q", ErrIntegrity, info.Version))
	}
	file, s, err := f.download(base + ".zip")
	if err != nil {
		return wrap(err)
	}
	if err := f.checkModuleZip(m, file); err != nil {
		return wrap(err)
	}
	h1, err := dirhash.HashZip(file, dirhash.Hash1)
	if err != nil {
		return wrap(fmt.Errorf("%w: %v", ErrUnsafeArchive, err))
	}
	id := Identity{
		Name:     m.Path,
		Version:  m.Version,
		Artifact: escVer + ".zip",
		URL:      redactURL(base + ".zip"),
		Digests:  map[string]string{"sha256": hex.EncodeToString(s.sha256), "h1": h1},
	}
	if i := strings.LastIndex(m.Path, "/"); i > 0 {
		id.PURL = purl("golang", m.Path[:i], m.Path[i+1:], m.Version)
	} else {
		id.PURL = purl("golang", "", m.Path, m.Version)
	}
	verified, err := f.checkSumDB(m, escPath, escVer, h1)
	if err != nil {
		return wrap(err)
	}
	if verified {
		id.Verified = []string{"Go checksum database"}
	}
	tree := filepath.Join(f.tmp, "tree")
	if err := modzip.Unzip(tree, m, file); err != nil {
		return wrap(fmt.Errorf("%w: %v", ErrUnsafeArchive, err))
	}
	return tree, id, nil
}

// checkModuleZip runs x/mod's CheckZip (module zip rules: paths, case
// collisions, sizes) and then our Limits on the central directory, before
// anything is extracted.
func (f *fetcher) checkModuleZip(m module.Version, file string) error {
	if _, err := modzip.CheckZip(m, file); err != nil {
		return fmt.Errorf("%w: %v", ErrUnsafeArchive, err)
	}
	zr, err := zip.OpenReader(file)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrUnsafeArchive, err)
	}
	defer zr.Close()
	fi, err := os.Stat(file)
	if err != nil {
		return err
	}
	x := newExtractor(f.ctx, f.tmp, f.opts.Limits)
	_, err = x.checkZip(&zr.Reader, fi.Size())
	return err
}

// checkSumDB looks the module up in the checksum database and compares its
// h1 hash. It verifies the signature on the tree head returned with the
// record, but not the record's inclusion proof in that tree (which needs
// tile fetching and a persistent view of the log to be meaningful); the
// signed note proves the response comes from the database operator.
func (f *fetcher) checkSumDB(m module.Version, escPath, escVer, h1 string) (bool, error) {
	if f.opts.GoSumDBURL == "off" {
		f.log.Warn("checksum database disabled; module hash not verified", "module", m.Path, "version", m.Version)
		return false, nil
	}
	verifier, err := note.NewVerifier(f.opts.GoSumDB)
	if err != nil {
		return false, fmt.Errorf("checksum database key: %v", err)
	}
	sumURL := f.opts.GoSumDBURL
	if sumURL == "" {
		sumURL = f.opts.GoProxy + "/sumdb/" + verifier.Name()
	}
	body, err := f.getBytes(sumURL+"/lookup/"+escPath+"@"+escVer, "")
	if err != nil {
		return false, fmt.Errorf("checksum database lookup: %w", err)
	}
	id, text, signed, err := tlog.ParseRecord(body)
	if err != nil {
		return false, fmt.Errorf("%w: checksum database: %v", ErrIntegrity, err)
	}
	n, err := note.Open(signed, note.VerifierList(verifier))
	if err != nil {
		return false, fmt.Errorf("%w: checksum database signature: %v", ErrIntegrity, err)
	}
	tree, err := tlog.ParseTree([]byte(n.Text))
	if err != nil || id < 0 || id >= tree.N {
		return false, fmt.Errorf("%w: checksum database returned record %d outside its signed tree", ErrIntegrity, id)
	}
	want := ""
	for _, line := range strings.Split(string(text), "\n") {
		if fs := strings.Fields(line); len(fs) == 3 && fs[0] == m.Path && fs[1] == m.Version {
			want = fs[2]
		}
	}
	switch want {
	case "":
		return false, fmt.Errorf("%w: checksum database record has no hash for %s %s", ErrIntegrity, m.Path, m.Version)
	case h1:
		return true, nil
	}
	return false, fmt.Errorf("%w: module zip hash %s does not match checksum database %s", ErrIntegrity, h1, want)
}
