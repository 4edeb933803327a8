package source

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"path"
	"strings"
)

// npmAccept asks for the abbreviated packument, which is much smaller and
// carries everything needed here (dist-tags and dist).
const npmAccept = "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8"

// npm fetches a release tarball through the registry's packument and checks
// it against the published dist.integrity and dist.shasum.
func (f *fetcher) npm(r Ref) (string, Identity, error) {
	label := "npm " + r.Name + "@" + r.Version + r.DistTag
	wrap := func(err error) (string, Identity, error) {
		return "", Identity{}, fmt.Errorf("%s: %w", label, err)
	}
	var pk struct {
		DistTags map[string]string          `json:"dist-tags"`
		Versions map[string]json.RawMessage `json:"versions"`
	}
	// Scoped names keep their "@" but escape the "/" ("@scope%2fname").
	if err := f.getJSON(f.opts.NPMRegistry+"/"+strings.Replace(r.Name, "/", "%2f", 1), npmAccept, &pk); err != nil {
		return wrap(err)
	}
	version := r.Version
	if r.DistTag != "" {
		v, ok := pk.DistTags[r.DistTag]
		if !ok {
			return wrap(fmt.Errorf("%w: no dist-tag %q", ErrNotFound, r.DistTag))
		}
		if !semverRE.MatchString(v) {
			return wrap(fmt.Errorf("%w: dist-tag %q points to invalid version %q", ErrIntegrity, r.DistTag, v))
		}
		f.log.Info("resolved npm dist-tag", "package", r.Name, "tag", r.DistTag, "version", v)
		version = v
		label = "npm " + r.Name + "@" + v
	}
	raw, ok := pk.Versions[version]
	if !ok {
		return wrap(fmt.Errorf("%w: version %q is not published", ErrNotFound, version))
	}
	var meta struct {
		Name    string `json:"name"`
		Version string `json:"version"`
		Dist    struct {
			Tarball   string `json:"tarball"`
			Integrity string `json:"integrity"`
			Shasum    string `json:"shasum"`
		} `json:"dist"`
	}
	if err := json.Unmarshal(raw, &meta); err != nil {
		return wrap(fmt.Errorf("invalid packument entry: %v", err))
	}
	if meta.Version != version || (meta.Name != "" && meta.Name != r.Name) {
		return wrap(fmt.Errorf("%w: packument entry describes %q@%q", ErrIntegrity, meta.Name, meta.Version))
	}
	if err := checkHTTPURL(meta.Dist.Tarball); err != nil {
		return wrap(err)
	}
	file, s, err := f.download(meta.Dist.Tarball)
	if err != nil {
		return wrap(err)
	}
	verified, err := npmVerify(meta.Dist.Integrity, meta.Dist.Shasum, s)
	if err != nil {
		return wrap(err)
	}
	artifact := tarballName(meta.Dist.Tarball)
	root, err := f.unpackFile(file, artifact, formatTarGz, true)
	if err != nil {
		return wrap(err)
	}
	ns, name := "", r.Name
	if i := strings.Index(r.Name, "/"); i > 0 {
		ns, name = r.Name[:i], r.Name[i+1:]
	}
	return root, Identity{
		Name:     r.Name,
		Version:  version,
		PURL:     purl("npm", ns, name, version),
		Artifact: artifact,
		URL:      redactURL(meta.Dist.Tarball),
		Digests:  map[string]string{"sha256": hex.EncodeToString(s.sha256), "sha512": hex.EncodeToString(s.sha512)},
		Verified: verified,
	}, nil
}

func tarballName(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "package.tgz"
	}
	return path.Base(u.Path)
}

// npmVerify checks the published digests. dist.integrity is SRI: the sha512
// values are authoritative, sha1 is used only when no sha512 is given (old
// publishes). At least one published digest must be present and match.
func npmVerify(integrity, shasum string, s sums) ([]string, error) {
	var verified []string
	if integrity != "" {
		byAlg := map[string][]string{}
		for _, tok := range strings.Fields(integrity) {
			alg, val, ok := strings.Cut(tok, "-")
			if ok {
				val, _, _ = strings.Cut(val, "?") // SRI options
				byAlg[alg] = append(byAlg[alg], val)
			}
		}
		alg, want, got := "sha512", byAlg["sha512"], s.sha512
		if len(want) == 0 {
			alg, want, got = "sha1", byAlg["sha1"], s.sha1
		}
		if len(want) > 0 {
			ok := false
			for _, w := range want {
				b, err := base64.StdEncoding.DecodeString(w)
				ok = ok || (err == nil && bytes.Equal(b, got))
			}
			if !ok {
				return nil, fmt.Errorf("%w: dist.integrity %s mismatch: published %s, downloaded %s-%s",
					ErrIntegrity, alg, strings.Join(want, " "), alg, base64.StdEncoding.EncodeToString(got))
			}
			verified = append(verified, "npm dist.integrity ("+alg+")")
		}
	}
	if shasum != "" {
		if !strings.EqualFold(shasum, hex.EncodeToString(s.sha1)) {
			return nil, fmt.Errorf("%w: dist.shasum mismatch: published %s, downloaded %s", ErrIntegrity, shasum, hex.EncodeToString(s.sha1))
		}
		verified = append(verified, "npm dist.shasum (sha1)")
	}
	if len(verified) == 0 {
		return nil, fmt.Errorf("%w: registry publishes no usable digest (dist.integrity/dist.shasum)", ErrIntegrity)
	}
	return verified, nil
}
