//go:build unix

package source

import "syscall"

// oNoFollow makes opening an extracted file fail if the final path element
// is a symlink, as defence in depth: extraction never creates symlinks.
const oNoFollow = syscall.O_NOFOLLOW
