package surface

import (
	"encoding/json"
	"maps"
	"slices"
)

// Drift kinds.
const (
	DriftAdded   = "added"
	DriftRemoved = "removed"
	DriftChanged = "changed"
)

// ToolDrift is how one tool of a live server differs from its pin.
type ToolDrift struct {
	Tool string `json:"tool"`
	// Kind is added (served but not pinned), removed (pinned but not
	// served) or changed (both, with different digests).
	Kind   string `json:"kind"`
	Pinned string `json:"pinnedSha256,omitempty"`
	Live   string `json:"liveSha256,omitempty"`
	// Fields names what changed, as "description", "annotations.readOnlyHint"
	// or "/properties/path: description", when the pinned normal form is
	// known; nil when only digests were pinned.
	Fields []string `json:"fields,omitempty"`
}

// PinnedDigests is a pin reduced to what an attestation carries: tool
// digests by name.
type PinnedDigests map[string]string

// Drift compares a live pin with pinned digests, tool by tool, sorted by
// name. normals, when not nil, holds the pinned normal forms by name (from
// the certification report) and lets Drift name the changed fields.
func Drift(pinned PinnedDigests, normals map[string]NormalTool, live *Pin) []ToolDrift {
	liveByName := map[string]ToolPin{}
	for _, t := range live.Tools {
		liveByName[t.Name] = t
	}
	var out []ToolDrift
	for _, name := range slices.Sorted(maps.Keys(pinned)) {
		l, ok := liveByName[name]
		switch {
		case !ok:
			out = append(out, ToolDrift{Tool: name, Kind: DriftRemoved, Pinned: pinned[name]})
		case l.SHA256 != pinned[name]:
			d := ToolDrift{Tool: name, Kind: DriftChanged, Pinned: pinned[name], Live: l.SHA256}
			if n, ok := normals[name]; ok {
				d.Fields = changedFields(n, l.Normal)
			}
			out = append(out, d)
		}
	}
	for _, t := range live.Tools {
		if _, ok := pinned[t.Name]; !ok {
			out = append(out, ToolDrift{Tool: t.Name, Kind: DriftAdded, Live: t.SHA256})
		}
	}
	slices.SortFunc(out, func(a, b ToolDrift) int {
		if a.Tool < b.Tool {
			return -1
		}
		if a.Tool > b.Tool {
			return 1
		}
		return 0
	})
	return out
}

// changedFields lists the fields of the normal form that differ.
func changedFields(a, b NormalTool) []string {
	var out []string
	if a.Title != b.Title {
		out = append(out, "title")
	}
	if a.Description != b.Description {
		out = append(out, "description")
	}
	keys := map[string]bool{}
	for k := range a.Annotations {
		keys[k] = true
	}
	for k := range b.Annotations {
		keys[k] = true
	}
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		if !sameJSON(a.Annotations[k], b.Annotations[k]) {
			out = append(out, "annotations."+k)
		}
	}
	props := func(ps []PinnedProperty) map[string]PinnedProperty {
		m := map[string]PinnedProperty{}
		for _, p := range ps {
			m[p.Path] = p
		}
		return m
	}
	pa, pb := props(a.Properties), props(b.Properties)
	paths := map[string]bool{}
	for p := range pa {
		paths[p] = true
	}
	for p := range pb {
		paths[p] = true
	}
	for _, path := range slices.Sorted(maps.Keys(paths)) {
		x, inA := pa[path]
		y, inB := pb[path]
		switch {
		case !inB:
			out = append(out, path+": removed")
		case !inA:
			out = append(out, path+": added")
		default:
			for _, f := range []struct {
				name string
				a, b any
			}{
				{"type", x.Type, y.Type},
				{"description", x.Description, y.Description},
				{"enum", x.Enum, y.Enum},
				{"default", defaultOf(x), defaultOf(y)},
				{"examples", x.Examples, y.Examples},
				{"required", x.Required, y.Required},
			} {
				if !sameJSON(f.a, f.b) {
					out = append(out, path+": "+f.name)
				}
			}
		}
	}
	return out
}

// defaultOf tells "no default" from a null default.
func defaultOf(p PinnedProperty) any {
	if !p.HasDefault {
		return struct{}{}
	}
	return []any{p.Default}
}

func sameJSON(a, b any) bool {
	x, errA := json.Marshal(a)
	y, errB := json.Marshal(b)
	return errA == nil && errB == nil && string(x) == string(y)
}
