package source

import (
	"encoding/hex"
	"fmt"
	"net/url"
	"path"
	"strings"
)

type pypiFile struct {
	Filename    string `json:"filename"`
	PackageType string `json:"packagetype"`
	URL         string `json:"url"`
	Digests     struct {
		SHA256 string `json:"sha256"`
	} `json:"digests"`
	Yanked bool `json:"yanked"`
}

// pypi fetches one release file through PyPI's JSON API, preferring the
// sdist (the source as published) over a wheel, and checks its sha256.
func (f *fetcher) pypi(r Ref) (string, Identity, error) {
	label := "pypi " + r.Name + "==" + r.Version
	wrap := func(err error) (string, Identity, error) {
		return "", Identity{}, fmt.Errorf("%s: %w", label, err)
	}
	var rel struct {
		Info struct {
			Version string `json:"version"`
		} `json:"info"`
		URLs []pypiFile `json:"urls"`
	}
	api := f.opts.PyPIURL + "/pypi/" + url.PathEscape(r.Name) + "/" + url.PathEscape(r.Version) + "/json"
	if err := f.getJSON(api, "application/json", &rel); err != nil {
		return wrap(err)
	}
	i := pickPyPIFile(rel.URLs)
	if i < 0 {
		return wrap(fmt.Errorf("%w: release has no sdist (.tar.gz/.zip) or wheel", ErrNotFound))
	}
	pf := rel.URLs[i]
	if pf.Yanked {
		f.log.Warn("release file is yanked", "file", pf.Filename)
	}
	if err := checkHTTPURL(pf.URL); err != nil {
		return wrap(err)
	}
	want := strings.ToLower(pf.Digests.SHA256)
	if want == "" {
		return wrap(fmt.Errorf("%w: %q has no published sha256", ErrIntegrity, pf.Filename))
	}
	file, s, err := f.download(pf.URL)
	if err != nil {
		return wrap(err)
	}
	if got := hex.EncodeToString(s.sha256); got != want {
		return wrap(fmt.Errorf("%w: %q sha256 mismatch: published %s, downloaded %s", ErrIntegrity, pf.Filename, want, got))
	}
	container, _ := formatFor(pf.Filename)
	wheel := strings.HasSuffix(strings.ToLower(pf.Filename), ".whl")
	root, err := f.unpackFile(file, pf.Filename, container, !wheel)
	if err != nil {
		return wrap(err)
	}
	version := r.Version
	if rel.Info.Version != "" {
		version = rel.Info.Version
	}
	return root, Identity{
		Name:     r.Name,
		Version:  version,
		PURL:     purl("pypi", "", r.Name, version),
		Artifact: pf.Filename,
		URL:      redactURL(pf.URL),
		Digests:  map[string]string{"sha256": want},
		Verified: []string{"PyPI digests.sha256"},
	}, nil
}

// pickPyPIFile returns the index of the file to analyse, or -1: an sdist,
// else a pure-Python wheel, else any wheel (binary parts are still listed).
// File names missing or not plain are replaced by the URL's base name.
func pickPyPIFile(files []pypiFile) int {
	best, bestRank := -1, 4
	for i := range files {
		pf := &files[i]
		if pf.Filename == "" || strings.ContainsAny(pf.Filename, `/\`) {
			u, err := url.Parse(pf.URL)
			if err != nil {
				continue
			}
			pf.Filename = path.Base(u.Path)
		}
		n := strings.ToLower(pf.Filename)
		rank := 4
		switch {
		case pf.PackageType == "sdist" && (strings.HasSuffix(n, ".tar.gz") || strings.HasSuffix(n, ".zip")):
			rank = 0
		case pf.PackageType != "bdist_wheel" || !strings.HasSuffix(n, ".whl"):
		case strings.HasSuffix(n, "-py3-none-any.whl"):
			rank = 1
		case strings.HasSuffix(n, "-none-any.whl"):
			rank = 2
		default:
			rank = 3
		}
		if rank < bestRank {
			best, bestRank = i, rank
		}
	}
	return best
}
