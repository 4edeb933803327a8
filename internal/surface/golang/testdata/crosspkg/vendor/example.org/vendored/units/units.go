// Package units is vendored: it is read for its constants only.
package units

// Unit systems.
const (
	Metric   = "metric"
	Imperial = "imperial"
)
