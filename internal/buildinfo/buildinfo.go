// Package buildinfo holds mcpcert's own version.
package buildinfo

// Version is mcpcert's version, set at release time with
// -ldflags "-X github.com/mcpcert/mcpcert/internal/buildinfo.Version=v1.2.3".
var Version = "devel"
