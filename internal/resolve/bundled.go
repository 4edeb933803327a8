package resolve

import (
	"encoding/json"

	"deps.dev/util/semver"
)

// PackageJSONIdentity reads the name and exact version of an installed npm
// package (a node_modules/<name>/package.json). It reports false when either
// is missing or the version is not an exact semver version.
func PackageJSONIdentity(data []byte) (name, version string, ok bool) {
	var pj struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	}
	if json.Unmarshal(data, &pj) != nil || pj.Name == "" || pj.Version == "" {
		return "", "", false
	}
	if _, err := semver.NPM.Parse(pj.Version); err != nil {
		return "", "", false
	}
	return pj.Name, pj.Version, true
}
