//go:build !unix

package source

// oNoFollow is unavailable here; O_CREATE|O_EXCL still refuses to create
// through an existing symlink, and extraction never creates symlinks.
const oNoFollow = 0
