// Package workspace reads a fetched source tree once into memory so that every
// analyzer shares the same bytes and nothing reads the tree twice. While
// reading it computes the directory hash that identifies plain directories.
package workspace

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mcpcert/mcpcert/analyzers/analysis"
)

// Limits bound what is read into memory.
type Limits struct {
	// MaxFileBytes is the largest file analysed; larger files are a coverage gap.
	MaxFileBytes int64
	// MaxTotalBytes bounds the bytes held in memory for the whole tree.
	MaxTotalBytes int64
	// MaxFiles bounds the number of files read.
	MaxFiles int
}

// DefaultLimits suit a release of an MCP server, bundles with node_modules included.
func DefaultLimits() Limits {
	return Limits{MaxFileBytes: 32 << 20, MaxTotalBytes: 1 << 30, MaxFiles: 100_000}
}

// Skip reasons. Only the limit reasons are coverage gaps.
const (
	SkipSymlink    = "symlink not followed"
	SkipBinary     = "binary file"
	SkipSpecial    = "not a regular file"
	SkipTooLarge   = "file larger than the per-file limit"
	SkipOverTotal  = "total size limit reached"
	SkipTooMany    = "file count limit reached"
	SkipUnreadable = "unreadable"
)

// IsGap reports whether a skip reason means content went unanalysed.
func IsGap(reason string) bool {
	switch reason {
	case SkipTooLarge, SkipOverTotal, SkipTooMany, SkipUnreadable:
		return true
	}
	return false
}

// Skipped is a file that no analyzer sees.
type Skipped struct {
	Path   string
	Reason string
}

// Workspace is a source tree read into memory.
type Workspace struct {
	Root    string
	Files   []*analysis.File // text files, sorted by path
	Skipped []Skipped        // sorted by path
	Bytes   int64            // bytes of all regular files read
	// DirHash is Go's "h1:" directory hash (golang.org/x/mod/sumdb/dirhash
	// Hash1) over every regular file read, binary or not: base64 of the
	// sha256 of the lines "<sha256 hex>  <path>\n" sorted by path. Symlinks and
	// files skipped for limits are not part of it.
	DirHash string

	content map[string][]byte
}

// ReadFile returns the cached contents of a text file of the workspace.
func (w *Workspace) ReadFile(p string) ([]byte, error) {
	b, ok := w.content[p]
	if !ok {
		return nil, fmt.Errorf("%s: %w", p, fs.ErrNotExist)
	}
	return b, nil
}

// Load walks root without following symlinks and reads every regular file
// within the limits. The .git directory is VCS metadata, not release content,
// and is not read.
func Load(ctx context.Context, root string, lim Limits) (*Workspace, error) {
	// Engines that report absolute paths (osv-scanner) are mapped back to
	// workspace paths against an absolute root.
	root, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	w := &Workspace{Root: root, content: map[string][]byte{}}
	type fileSum struct {
		path string
		sum  [32]byte
	}
	var sums []fileSum
	count := 0
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		rel, relErr := filepath.Rel(root, p)
		if relErr != nil {
			return relErr
		}
		rel = filepath.ToSlash(rel)
		if err != nil {
			if rel == "." {
				return err
			}
			w.Skipped = append(w.Skipped, Skipped{rel, SkipUnreadable})
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if d.Name() == ".git" && rel != "." {
				return fs.SkipDir
			}
			return nil
		}
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			w.Skipped = append(w.Skipped, Skipped{rel, SkipSymlink})
			return nil
		case !d.Type().IsRegular():
			w.Skipped = append(w.Skipped, Skipped{rel, SkipSpecial})
			return nil
		}
		info, err := d.Info()
		if err != nil {
			w.Skipped = append(w.Skipped, Skipped{rel, SkipUnreadable})
			return nil
		}
		switch {
		case count >= lim.MaxFiles:
			w.Skipped = append(w.Skipped, Skipped{rel, SkipTooMany})
			return nil
		case info.Size() > lim.MaxFileBytes:
			w.Skipped = append(w.Skipped, Skipped{rel, SkipTooLarge})
			return nil
		case w.Bytes+info.Size() > lim.MaxTotalBytes:
			w.Skipped = append(w.Skipped, Skipped{rel, SkipOverTotal})
			return nil
		}
		data, err := readBounded(p, lim.MaxFileBytes)
		if err != nil {
			w.Skipped = append(w.Skipped, Skipped{rel, SkipUnreadable})
			return nil
		}
		count++
		w.Bytes += int64(len(data))
		sum := sha256.Sum256(data)
		sums = append(sums, fileSum{rel, sum})
		if isBinary(data) {
			w.Skipped = append(w.Skipped, Skipped{rel, SkipBinary})
			return nil
		}
		w.content[rel] = data
		w.Files = append(w.Files, &analysis.File{Path: rel, Lang: LangOf(rel), Size: int64(len(data))})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", root, err)
	}
	sort.Slice(w.Files, func(i, j int) bool { return w.Files[i].Path < w.Files[j].Path })
	sort.Slice(w.Skipped, func(i, j int) bool { return w.Skipped[i].Path < w.Skipped[j].Path })
	// Go's h1: lines sorted by file name.
	sort.Slice(sums, func(i, j int) bool { return sums[i].path < sums[j].path })
	h := sha256.New()
	for _, s := range sums {
		fmt.Fprintf(h, "%x  %s\n", s.sum, s.path)
	}
	w.DirHash = "h1:" + base64.StdEncoding.EncodeToString(h.Sum(nil))
	return w, nil
}

// readBounded reads a file, refusing to hold more than max bytes even if the
// file grows between stat and read.
func readBounded(p string, max int64) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s grew beyond %d bytes", p, max)
	}
	return data, nil
}

// isBinary uses git's heuristic: a NUL byte in the first 8000 bytes.
func isBinary(data []byte) bool {
	head := data
	if len(head) > 8000 {
		head = head[:8000]
	}
	return bytes.IndexByte(head, 0) >= 0
}

// LangOf classifies a path by its extension.
func LangOf(p string) analysis.Lang {
	switch strings.ToLower(path.Ext(p)) {
	case ".js", ".mjs", ".cjs", ".jsx":
		return analysis.LangJavaScript
	case ".ts", ".mts", ".cts", ".tsx":
		return analysis.LangTypeScript
	case ".py", ".pyi":
		return analysis.LangPython
	case ".go":
		return analysis.LangGo
	case ".json":
		return analysis.LangJSON
	}
	return analysis.LangOther
}
