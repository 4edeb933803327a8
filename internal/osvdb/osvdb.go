// Package osvdb manages offline OSV databases: the on-disk layout that
// osv-scanner v2 reads (<dir>/osv-scalibr/<Ecosystem>/all.zip), the private
// view a scan uses, their metadata, and downloading them.
package osvdb

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"time"

	"github.com/mcpcert/mcpcert/analyzers/analysis"
)

// Ecosystems osv-scanner may ask the local matcher for. A scan's private
// view has a zip for each of them, empty where the user has no database:
// osv-scanner v2.5.0 drops every match of the whole scan, without an error,
// when one ecosystem's zip is missing. The emptiness is then reported as a
// coverage gap instead.
var Ecosystems = []string{
	"AlmaLinux", "Alpine", "Android", "Bitnami", "CRAN", "Chainguard", "ConanCenter", "Debian",
	"GHC", "GIT", "GitHub Actions", "Go", "Hackage", "Hex", "Linux", "Maven", "NuGet", "OSS-Fuzz",
	"Packagist", "Photon OS", "Pub", "PyPI", "Red Hat", "Rocky Linux", "RubyGems", "SUSE",
	"SwiftURL", "Ubuntu", "Wolfi", "crates.io", "npm", "openSUSE",
}

// Local is a user's offline database directory.
type Local struct {
	Dir string
	// zips maps an ecosystem to its all.zip; records maps an ecosystem to a
	// directory of OSV JSON records, zipped into the private view.
	zips    map[string]string
	records map[string]string
	// packed maps an ecosystem of records to the zip PrivateView packed.
	packed map[string]string
	info   map[string]analysis.Database
}

// Open finds the databases under dir. Three layouts work, per ecosystem:
// osv-scanner's (dir/osv-scalibr/<Eco>/all.zip), a flat one
// (dir/<Eco>/all.zip), and a directory of OSV JSON records (dir/<Eco>/*.json),
// handy for a mirror or for advisories written by hand.
func Open(dir string) (*Local, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("osv database %s: %w", dir, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("osv database %s: not a directory", dir)
	}
	l := &Local{Dir: dir, zips: map[string]string{}, records: map[string]string{}, packed: map[string]string{}, info: map[string]analysis.Database{}}
	for _, root := range []string{filepath.Join(dir, "osv-scalibr"), dir} {
		entries, err := os.ReadDir(root)
		if err != nil {
			continue
		}
		for _, e := range entries {
			eco := e.Name()
			if !slices.Contains(Ecosystems, eco) || l.zips[eco] != "" || l.records[eco] != "" {
				continue
			}
			z := filepath.Join(root, eco, "all.zip")
			if fi, err := os.Stat(z); err == nil && fi.Mode().IsRegular() {
				l.zips[eco] = z
				continue
			}
			if js, _ := filepath.Glob(filepath.Join(root, eco, "*.json")); len(js) > 0 {
				l.records[eco] = filepath.Join(root, eco)
			}
		}
	}
	if len(l.zips)+len(l.records) == 0 {
		return nil, fmt.Errorf("osv database %s: no <Ecosystem>/all.zip or <Ecosystem>/*.json found (run `mcpcert db download --dir %s`)", dir, dir)
	}
	return l, nil
}

// PrivateView lays out, under dir, the database osv-scanner is given: a
// symlink to each of the user's zips and an empty zip for every other
// ecosystem. It returns the LocalDBPath to pass to osv-scanner.
func (l *Local) PrivateView(dir string) (string, error) {
	for _, eco := range Ecosystems {
		d := filepath.Join(dir, "osv-scalibr", eco)
		if err := os.MkdirAll(d, 0o700); err != nil {
			return "", err
		}
		target := filepath.Join(d, "all.zip")
		if src, ok := l.records[eco]; ok {
			if err := zipRecords(src, target); err != nil {
				return "", fmt.Errorf("osv database %s: %w", src, err)
			}
			l.packed[eco] = target
			continue
		}
		if src, ok := l.zips[eco]; ok {
			abs, err := filepath.Abs(src)
			if err != nil {
				return "", err
			}
			if err := os.Symlink(abs, target); err != nil {
				return "", err
			}
			continue
		}
		if err := writeEmptyZip(target); err != nil {
			return "", err
		}
	}
	return dir, nil
}

func writeEmptyZip(p string) error {
	f, err := os.OpenFile(p, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if err := zip.NewWriter(f).Close(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Info describes the ecosystem's database, or reports that there is none.
// The date is the newest record time in the zip's directory; the digest is
// of the zip itself, so a report names exactly the data it was matched with.
func (l *Local) Info(eco string) (analysis.Database, bool, error) {
	if db, ok := l.info[eco]; ok {
		return db, true, nil
	}
	z, ok := l.zips[eco]
	if _, isRecords := l.records[eco]; isRecords {
		// A directory of records is described by the zip it was packed
		// into, which is what osv-scanner matched against.
		if z, ok = l.packed[eco]; !ok {
			return analysis.Database{}, false, fmt.Errorf("osv database %s: %s records not packed yet (PrivateView first)", l.Dir, eco)
		}
	}
	if !ok {
		return analysis.Database{}, false, nil
	}
	db, err := describe(z)
	if err != nil {
		return analysis.Database{}, false, fmt.Errorf("osv database %s: %w", z, err)
	}
	db.Ecosystem = eco
	if src, ok := l.records[eco]; ok {
		db.Source = "local:" + filepath.Base(src) + "/*.json"
	}
	if db.Records == 0 {
		return analysis.Database{}, false, nil
	}
	l.info[eco] = db
	return db, true, nil
}

func describe(z string) (analysis.Database, error) {
	r, err := zip.OpenReader(z)
	if err != nil {
		return analysis.Database{}, err
	}
	defer r.Close()
	var newest time.Time
	n := 0
	for _, f := range r.File {
		if filepath.Ext(f.Name) != ".json" {
			continue
		}
		n++
		if f.Modified.After(newest) {
			newest = f.Modified
		}
	}
	sum, err := fileSHA256(z)
	if err != nil {
		return analysis.Database{}, err
	}
	db := analysis.Database{Name: "OSV", Source: "local:" + filepath.Base(filepath.Dir(z)) + "/all.zip", Records: n, SHA256: sum}
	if !newest.IsZero() {
		db.Modified = newest.UTC().Format(time.RFC3339)
	}
	return db, nil
}

func fileSHA256(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// zipRecords packs a directory of OSV JSON records into a zip osv-scanner can
// read. Entries are sorted and stamped with each record's "modified" time,
// so the zip, and the digest reported for it, depend only on the records.
func zipRecords(dir, dst string) error {
	paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return err
	}
	sort.Strings(paths)
	f, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(f)
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Close()
			return err
		}
		var rec struct {
			Modified time.Time `json:"modified"`
		}
		if err := json.Unmarshal(data, &rec); err != nil {
			f.Close()
			return fmt.Errorf("%s: %w", filepath.Base(p), err)
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: filepath.Base(p), Method: zip.Deflate, Modified: rec.Modified.UTC()})
		if err != nil {
			f.Close()
			return err
		}
		if _, err := w.Write(data); err != nil {
			f.Close()
			return err
		}
	}
	if err := zw.Close(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
