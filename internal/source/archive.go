package source

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"
)

// format is an archive container format.
type format int

const (
	formatUnknown format = iota
	formatTarGz
	formatTar
	formatZip
)

func (f format) String() string {
	switch f {
	case formatTarGz:
		return "gzip"
	case formatTar:
		return "tar"
	case formatZip:
		return "zip"
	}
	return "unrecognised data"
}

// formatFor maps a file name's extension to the format it must contain.
func formatFor(name string) (format, bool) {
	n := strings.ToLower(name)
	for _, e := range []struct {
		ext string
		f   format
	}{
		{".tgz", formatTarGz}, {".tar.gz", formatTarGz}, {".tar", formatTar},
		{".zip", formatZip}, {".mcpb", formatZip}, {".dxt", formatZip}, {".whl", formatZip},
	} {
		if strings.HasSuffix(n, e.ext) {
			return e.f, true
		}
	}
	return formatUnknown, false
}

// sniff identifies a container by its magic bytes, so that a file whose
// extension lies is refused instead of being fed to the wrong parser.
func sniff(ra io.ReaderAt, size int64) format {
	var b [512]byte
	n, _ := ra.ReadAt(b[:min(size, int64(len(b)))], 0)
	switch {
	case n >= 2 && b[0] == 0x1f && b[1] == 0x8b:
		return formatTarGz
	case n >= 4 && b[0] == 'P' && b[1] == 'K' && (b[2] == 3 && b[3] == 4 || b[2] == 5 && b[3] == 6):
		return formatZip
	case n == 512 && (string(b[257:262]) == "ustar" || bytes.Count(b[:], []byte{0}) == 512):
		// POSIX/GNU tar, or an empty tar (end-of-archive block). Pre-POSIX
		// v7 tars carry no magic and are not accepted.
		return formatTar
	}
	return formatUnknown
}

// unpack extracts the archive held in ra into <workspace>/tree and returns
// the directory to analyse. With strip, a single top-level directory (npm's
// "package/", an sdist's "name-1.0/") becomes the root.
func (f *fetcher) unpack(ra io.ReaderAt, size int64, name string, want format, strip bool) (string, error) {
	if got := sniff(ra, size); got != want {
		return "", fmt.Errorf("%w: %q: expected %s content, found %s", ErrUnsafeArchive, name, want, got)
	}
	tree := filepath.Join(f.tmp, "tree")
	if err := os.Mkdir(tree, 0o755); err != nil {
		return "", err
	}
	x := newExtractor(f.ctx, tree, f.opts.Limits)
	var err error
	if want == formatZip {
		err = x.zip(ra, size)
	} else {
		err = x.tar(io.NewSectionReader(ra, 0, size), want == formatTarGz)
	}
	f.skipped = append(f.skipped, x.skipped...)
	if err != nil {
		return "", err
	}
	f.log.Info("extracted", "artifact", name, "entries", x.entries, "bytes", x.written, "skipped", len(x.skipped))
	if strip {
		if ents, err := os.ReadDir(tree); err == nil && len(ents) == 1 && ents[0].IsDir() {
			return filepath.Join(tree, ents[0].Name()), nil
		}
	}
	return tree, nil
}

// unpackFile is unpack for a downloaded artifact.
func (f *fetcher) unpackFile(file, name string, want format, strip bool) (string, error) {
	fh, err := os.Open(file)
	if err != nil {
		return "", err
	}
	defer fh.Close()
	fi, err := fh.Stat()
	if err != nil {
		return "", err
	}
	return f.unpack(fh, fi.Size(), name, want, strip)
}

// ratioThreshold is the extracted size below which the compression ratio is
// not enforced: tiny, highly compressible files are normal.
const ratioThreshold = 1 << 20

type entryKind int

const (
	kindDir entryKind = iota + 1
	kindFile
	kindOther // symlinks: claimed in the namespace but not materialised
)

// extractor writes archive entries below root while enforcing Limits. It
// only creates regular files (0644) and directories (0755); every path is
// validated lexically, claimed once (case-insensitively), and re-checked to
// be under root after joining.
type extractor struct {
	ctx  context.Context
	root string // absolute and clean
	lim  Limits

	seen    map[string]entryKind // claimed paths, including implicit parents
	folded  map[string]string    // lower-cased path -> claimed spelling
	made    map[string]bool      // directories already created
	skipped []Skipped

	entries    int
	written    int64  // bytes written to extracted files
	compressed int64  // compressed input consumed so far
	streamed   int64  // decompressed tar stream produced so far
	current    string // entry being processed, for stream errors
}

func newExtractor(ctx context.Context, root string, lim Limits) *extractor {
	return &extractor{
		ctx: ctx, root: filepath.Clean(root), lim: lim,
		seen: map[string]entryKind{}, folded: map[string]string{}, made: map[string]bool{},
	}
}

// fail builds an error wrapping sentinel that names the offending entry.
func (x *extractor) fail(sentinel error, name, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if name == "" {
		return fmt.Errorf("%w: %s", sentinel, msg)
	}
	return fmt.Errorf("%w: entry %q: %s", sentinel, name, msg)
}

// corrupt classifies a read error: our own limit errors and cancellation
// pass through, anything else means a truncated or malformed archive.
func (x *extractor) corrupt(name string, err error) error {
	if errors.Is(err, ErrLimitExceeded) || errors.Is(err, ErrUnsafeArchive) || errors.Is(err, ErrUnsupported) || x.ctx.Err() != nil {
		return err
	}
	if errors.Is(err, zip.ErrAlgorithm) {
		return x.fail(ErrUnsupported, name, "%v", err)
	}
	return x.fail(ErrUnsafeArchive, name, "truncated or corrupt: %v", err)
}

func (x *extractor) skip(name, reason string) {
	x.skipped = append(x.skipped, Skipped{Path: name, Reason: reason})
}

// cleanName turns an archive path into a clean slash-separated relative
// path, or returns why it cannot be one. Backslashes count as separators
// because Windows tools write them and Windows readers honour them.
func cleanName(name string) (string, string) {
	if !utf8.ValidString(name) {
		return "", "name is not valid UTF-8"
	}
	if strings.ContainsFunc(name, unicode.IsControl) {
		return "", "control character in name"
	}
	s := strings.ReplaceAll(name, `\`, "/")
	if strings.HasPrefix(s, "/") || hasDrive(s) {
		return "", "absolute path"
	}
	var parts []string
	for _, p := range strings.Split(s, "/") {
		switch p {
		case "", ".":
			continue
		case "..":
			return "", "parent directory (..) component"
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, "/"), ""
}

// entry counts an entry and validates its name and depth.
func (x *extractor) entry(name string) (string, error) {
	if err := x.ctx.Err(); err != nil {
		return "", err
	}
	x.current = name
	x.entries++
	if x.entries > x.lim.MaxFiles {
		return "", x.fail(ErrLimitExceeded, name, "more than %d entries", x.lim.MaxFiles)
	}
	rel, reason := cleanName(name)
	if reason != "" {
		return "", x.fail(ErrUnsafeArchive, name, "%s", reason)
	}
	if d := strings.Count(rel, "/") + 1; rel != "" && d > x.lim.MaxDepth {
		return "", x.fail(ErrLimitExceeded, name, "path depth %d exceeds %d", d, x.lim.MaxDepth)
	}
	return rel, nil
}

// claim records rel (and its parents as directories). A path may be claimed
// once, except a directory which may be repeated; paths differing only in
// case are refused because they collide on macOS and Windows.
func (x *extractor) claim(name, rel string, kind entryKind) error {
	for i := 0; i < len(rel); i++ {
		if rel[i] == '/' {
			if err := x.claimOne(name, rel[:i], kindDir); err != nil {
				return err
			}
		}
	}
	return x.claimOne(name, rel, kind)
}

func (x *extractor) claimOne(name, p string, kind entryKind) error {
	if prev, ok := x.seen[p]; ok {
		switch {
		case prev == kindDir && kind == kindDir:
			return nil
		case prev != kindDir && kind == kindDir:
			return x.fail(ErrUnsafeArchive, name, "path goes through non-directory entry %q", p)
		default:
			return x.fail(ErrUnsafeArchive, name, "duplicate entry %q", p)
		}
	}
	low := strings.ToLower(p)
	if other, ok := x.folded[low]; ok {
		return x.fail(ErrUnsafeArchive, name, "%q differs only in case from %q", p, other)
	}
	x.seen[p] = kind
	x.folded[low] = p
	return nil
}

// target joins rel to root and checks the result is still below root.
func (x *extractor) target(name, rel string) (string, error) {
	native := filepath.FromSlash(rel)
	p := filepath.Join(x.root, native)
	if !filepath.IsLocal(native) || !strings.HasPrefix(p, x.root+string(filepath.Separator)) {
		return "", x.fail(ErrUnsafeArchive, name, "resolves outside the extraction root")
	}
	return p, nil
}

// mkdirs creates directory rel and its parents one component at a time,
// refusing anything in the way that is not a real directory.
func (x *extractor) mkdirs(name, rel string) error {
	if rel == "." || rel == "" || x.made[rel] {
		return nil
	}
	if err := x.mkdirs(name, path.Dir(rel)); err != nil {
		return err
	}
	p, err := x.target(name, rel)
	if err != nil {
		return err
	}
	if err := os.Mkdir(p, 0o755); err != nil {
		if fi, lerr := os.Lstat(p); lerr != nil || !fi.IsDir() {
			return fmt.Errorf("entry %q: %w", name, err)
		}
	}
	x.made[rel] = true
	return nil
}

// writeFile streams r into a new regular file, counting the bytes actually
// written: declared sizes are only used to refuse early.
func (x *extractor) writeFile(name, rel string, r io.Reader, declared int64) error {
	if declared > x.lim.MaxFileBytes {
		return x.fail(ErrLimitExceeded, name, "declared size %d exceeds %d bytes", declared, x.lim.MaxFileBytes)
	}
	if err := x.mkdirs(name, path.Dir(rel)); err != nil {
		return err
	}
	dst, err := x.target(name, rel)
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL|oNoFollow, 0o644)
	if err != nil {
		return fmt.Errorf("entry %q: %w", name, err)
	}
	w := &entryWriter{x: x, name: name, w: out}
	_, err = io.Copy(w, r)
	cerr := out.Close()
	switch {
	case w.werr != nil:
		return fmt.Errorf("entry %q: %w", name, w.werr)
	case err != nil:
		return x.corrupt(name, err)
	}
	return cerr
}

// entryWriter enforces the per-file, total and ratio limits as bytes flow,
// so a bomb is stopped after at most one buffer rather than after the fact.
type entryWriter struct {
	x    *extractor
	name string
	w    io.Writer
	n    int64
	werr error // local write failure, as opposed to a limit or read error
}

func (e *entryWriter) Write(p []byte) (int, error) {
	x, k := e.x, int64(len(p))
	if e.n+k > x.lim.MaxFileBytes {
		return 0, x.fail(ErrLimitExceeded, e.name, "larger than %d bytes", x.lim.MaxFileBytes)
	}
	if x.written+k > x.lim.MaxTotalBytes {
		return 0, x.fail(ErrLimitExceeded, e.name, "total extracted size exceeds %d bytes", x.lim.MaxTotalBytes)
	}
	e.n += k
	x.written += k
	if err := x.checkRatio(e.name); err != nil {
		return 0, err
	}
	n, err := e.w.Write(p)
	if err != nil {
		e.werr = err
	}
	return n, err
}

// checkRatio refuses output that has grown more than MaxRatio times the
// compressed input consumed so far, once past ratioThreshold.
func (x *extractor) checkRatio(name string) error {
	out := max(x.written, x.streamed)
	if out <= ratioThreshold {
		return nil
	}
	if in := max(x.compressed, 1); out/in > x.lim.MaxRatio {
		return x.fail(ErrLimitExceeded, name, "compression ratio exceeds %d:1 (%d bytes from %d)", x.lim.MaxRatio, out, in)
	}
	return nil
}

// checkLinkTarget refuses symlinks that point outside the tree. In-tree
// symlinks are still not created (the analyser must not follow links), only
// recorded as skipped.
func (x *extractor) checkLinkTarget(name, rel, target string) error {
	t := strings.ReplaceAll(target, `\`, "/")
	switch {
	case t == "":
		return x.fail(ErrUnsafeArchive, name, "empty symlink target")
	case !utf8.ValidString(t) || strings.ContainsFunc(t, unicode.IsControl):
		return x.fail(ErrUnsafeArchive, name, "symlink target %q has control characters or invalid UTF-8", target)
	case strings.HasPrefix(t, "/") || hasDrive(t):
		return x.fail(ErrUnsafeArchive, name, "symlink target %q is absolute", target)
	}
	if j := path.Join(path.Dir(rel), t); j == ".." || strings.HasPrefix(j, "../") {
		return x.fail(ErrUnsafeArchive, name, "symlink target %q leaves the tree", target)
	}
	return nil
}

// countReader counts the bytes read through it into *n.
type countReader struct {
	r io.Reader
	n *int64
}

func (c countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	*c.n += int64(n)
	return n, err
}

// streamGuard sits between the decompressor and the tar reader. It stops a
// decompression bomb even in data tar skips without handing it to us (the
// body of a skipped entry, padding), which entryWriter never sees.
type streamGuard struct {
	r io.Reader
	x *extractor
}

func (g streamGuard) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	x := g.x
	x.streamed += int64(n)
	// Tar framing costs about 1.5 KiB per entry (header, PAX record, padding).
	if limit := x.lim.MaxTotalBytes + int64(x.lim.MaxFiles)*2048 + ratioThreshold; x.streamed > limit {
		return 0, x.fail(ErrLimitExceeded, x.current, "decompressed stream exceeds %d bytes", limit)
	}
	if rerr := x.checkRatio(x.current); rerr != nil {
		return 0, rerr
	}
	return n, err
}

// tar extracts a tar stream, gunzipping it first when gz is set. Only one
// level of compression is accepted.
func (x *extractor) tar(r io.Reader, gz bool) error {
	var dec io.Reader = countReader{r: r, n: &x.compressed}
	if gz {
		zr, err := gzip.NewReader(dec)
		if err != nil {
			return x.corrupt("", err)
		}
		defer zr.Close()
		dec = zr
	}
	br := bufio.NewReader(streamGuard{r: dec, x: x})
	if head, _ := br.Peek(2); gz && len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b {
		return x.fail(ErrUnsafeArchive, "", "nested gzip compression")
	}
	tr := tar.NewReader(br)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		// ErrInsecurePath (GODEBUG tarinsecurepath=0) comes with a usable
		// header; our own checks below name the entry and refuse it.
		if err != nil && !errors.Is(err, tar.ErrInsecurePath) {
			return x.corrupt(x.current, err)
		}
		if hdr.Typeflag == tar.TypeXGlobalHeader {
			continue // archive-wide metadata (git archive stores the commit there)
		}
		if err := x.tarEntry(tr, hdr); err != nil {
			return err
		}
	}
	// Read to the end so gzip verifies its length and CRC: a truncated or
	// altered stream must not pass because the tar end marker came first.
	if _, err := io.Copy(io.Discard, br); err != nil {
		return x.corrupt("", err)
	}
	return nil
}

func (x *extractor) tarEntry(tr *tar.Reader, hdr *tar.Header) error {
	name := hdr.Name
	rel, err := x.entry(name)
	if err != nil {
		return err
	}
	if rel == "" {
		if hdr.Typeflag == tar.TypeDir {
			x.skip(name, "directory with empty name")
			return nil
		}
		return x.fail(ErrUnsafeArchive, name, "empty name")
	}
	switch hdr.Typeflag {
	case tar.TypeDir:
		if err := x.claim(name, rel, kindDir); err != nil {
			return err
		}
		return x.mkdirs(name, rel)
	case tar.TypeReg:
		if err := x.claim(name, rel, kindFile); err != nil {
			return err
		}
		return x.writeFile(name, rel, tr, hdr.Size)
	case tar.TypeSymlink:
		if err := x.checkLinkTarget(name, rel, hdr.Linkname); err != nil {
			return err
		}
		if err := x.claim(name, rel, kindOther); err != nil {
			return err
		}
		x.skip(name, "symlink not followed")
		return nil
	case tar.TypeLink:
		return x.hardlink(name, rel, hdr.Linkname)
	case tar.TypeChar, tar.TypeBlock, tar.TypeFifo:
		return x.fail(ErrUnsafeArchive, name, "device or FIFO entry")
	}
	return x.fail(ErrUnsafeArchive, name, "unsupported entry type %q", hdr.Typeflag)
}

// hardlink materialises an in-tree hard link as a copy of the regular file
// extracted earlier under target (bounded like any other file), so the
// analyser sees the content the link would show. Links to anything else are
// refused.
func (x *extractor) hardlink(name, rel, target string) error {
	t, reason := cleanName(target)
	if reason != "" {
		return x.fail(ErrUnsafeArchive, name, "hardlink target %q: %s", target, reason)
	}
	if x.seen[t] != kindFile {
		return x.fail(ErrUnsafeArchive, name, "hardlink target %q is not a regular file extracted earlier", target)
	}
	if err := x.claim(name, rel, kindFile); err != nil {
		return err
	}
	src, err := x.target(name, t)
	if err != nil {
		return err
	}
	in, err := os.OpenFile(src, os.O_RDONLY|oNoFollow, 0)
	if err != nil {
		return fmt.Errorf("entry %q: %w", name, err)
	}
	defer in.Close()
	return x.writeFile(name, rel, in, 0)
}

// zipKind classifies a zip entry from its name and Unix mode bits.
func (x *extractor) zipKind(zf *zip.File) (entryKind, error) {
	mode := zf.Mode()
	switch {
	case strings.HasSuffix(zf.Name, "/") || mode.IsDir():
		return kindDir, nil
	case mode&fs.ModeSymlink != 0:
		return kindOther, nil
	case mode&(fs.ModeDevice|fs.ModeCharDevice|fs.ModeNamedPipe|fs.ModeSocket|fs.ModeIrregular) != 0:
		return 0, x.fail(ErrUnsafeArchive, zf.Name, "device, FIFO or socket entry")
	}
	return kindFile, nil
}

// checkZip applies the limits to the central directory before a single byte
// is decompressed and claims every path, returning each entry's clean path.
// archive/zip later fails any entry whose data exceeds its declared size,
// so the declared sizes checked here bound the real ones.
func (x *extractor) checkZip(zr *zip.Reader, size int64) ([]string, error) {
	if len(zr.File) > x.lim.MaxFiles {
		return nil, x.fail(ErrLimitExceeded, "", "%d entries exceed the limit of %d", len(zr.File), x.lim.MaxFiles)
	}
	rels := make([]string, len(zr.File))
	var total uint64
	for i, zf := range zr.File {
		rel, err := x.entry(zf.Name)
		if err != nil {
			return nil, err
		}
		kind, err := x.zipKind(zf)
		if err != nil {
			return nil, err
		}
		if zf.Flags&0x1 != 0 {
			return nil, x.fail(ErrUnsupported, zf.Name, "encrypted entry")
		}
		if kind == kindFile {
			u, c := zf.UncompressedSize64, zf.CompressedSize64
			if u > uint64(x.lim.MaxFileBytes) {
				return nil, x.fail(ErrLimitExceeded, zf.Name, "declared size %d exceeds %d bytes", u, x.lim.MaxFileBytes)
			}
			if u > ratioThreshold && u/max(c, 1) > uint64(x.lim.MaxRatio) {
				return nil, x.fail(ErrLimitExceeded, zf.Name, "declared compression ratio exceeds %d:1 (%d bytes from %d)", x.lim.MaxRatio, u, c)
			}
			if total += u; total > uint64(x.lim.MaxTotalBytes) {
				return nil, x.fail(ErrLimitExceeded, zf.Name, "declared total size exceeds %d bytes", x.lim.MaxTotalBytes)
			}
		}
		switch {
		case rel == "" && kind == kindDir:
		case rel == "":
			return nil, x.fail(ErrUnsafeArchive, zf.Name, "empty name")
		default:
			if err := x.claim(zf.Name, rel, kind); err != nil {
				return nil, err
			}
		}
		rels[i] = rel
	}
	if total > ratioThreshold && total/uint64(max(size, 1)) > uint64(x.lim.MaxRatio) {
		return nil, x.fail(ErrLimitExceeded, "", "declared compression ratio exceeds %d:1 (%d bytes from %d)", x.lim.MaxRatio, total, size)
	}
	return rels, nil
}

// zip extracts a zip archive after checkZip has vetted its directory.
func (x *extractor) zip(ra io.ReaderAt, size int64) error {
	zr, err := zip.NewReader(ra, size)
	// ErrInsecurePath (GODEBUG zipinsecurepath=0) comes with a usable
	// reader; checkZip names and refuses the entries itself.
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return x.corrupt("", err)
	}
	rels, err := x.checkZip(zr, size)
	if err != nil {
		return err
	}
	for i, zf := range zr.File {
		if err := x.ctx.Err(); err != nil {
			return err
		}
		x.current = zf.Name
		if err := x.zipEntry(zf, rels[i]); err != nil {
			return err
		}
	}
	return nil
}

// maxLinkTarget bounds the symlink target read from a zip entry's data.
const maxLinkTarget = 4096

func (x *extractor) zipEntry(zf *zip.File, rel string) error {
	kind, err := x.zipKind(zf)
	if err != nil {
		return err
	}
	if kind == kindDir {
		if rel == "" {
			x.skip(zf.Name, "directory with empty name")
			return nil
		}
		return x.mkdirs(zf.Name, rel)
	}
	x.compressed += int64(zf.CompressedSize64)
	rc, err := zf.Open()
	if err != nil {
		return x.corrupt(zf.Name, err)
	}
	defer rc.Close()
	if kind == kindFile {
		return x.writeFile(zf.Name, rel, rc, int64(zf.UncompressedSize64))
	}
	target, err := io.ReadAll(io.LimitReader(rc, maxLinkTarget+1))
	if err != nil {
		return x.corrupt(zf.Name, err)
	}
	if len(target) > maxLinkTarget {
		return x.fail(ErrUnsafeArchive, zf.Name, "symlink target longer than %d bytes", maxLinkTarget)
	}
	if err := x.checkLinkTarget(zf.Name, rel, string(target)); err != nil {
		return err
	}
	x.skip(zf.Name, "symlink not followed")
	return nil
}

const (
	mcpbSigHeader = "MCPB_SIG_V1"
	mcpbSigFooter = "MCPB_SIG_END"
	// mcpbTailScan bounds how far from the end the signature header is
	// looked for; real PKCS#7 blocks are a few KiB (mcpb caps them at 16 KiB).
	mcpbTailScan = 1 << 20
)

// mcpbPayload returns the zip part of an MCPB bundle and whether a signature
// block was cut off. A signed bundle is the zip, then "MCPB_SIG_V1", a
// uint32le length, the PKCS#7 DER, optional zero padding and "MCPB_SIG_END"
// (modelcontextprotocol/mcpb src/node/sign.ts). The signature is not
// verified here.
func mcpbPayload(ra io.ReaderAt, size int64) (io.ReaderAt, int64, bool, error) {
	tailLen := min(size, mcpbTailScan)
	tail := make([]byte, tailLen)
	if _, err := ra.ReadAt(tail, size-tailLen); err != nil && err != io.EOF {
		return nil, 0, false, err
	}
	body, ok := bytes.CutSuffix(tail, []byte(mcpbSigFooter))
	if !ok {
		return ra, size, false, nil
	}
	h := bytes.LastIndex(body, []byte(mcpbSigHeader))
	if h < 0 || h+len(mcpbSigHeader)+4 > len(body) {
		return nil, 0, false, fmt.Errorf("%w: malformed MCPB signature block (no %s header)", ErrUnsafeArchive, mcpbSigHeader)
	}
	n := binary.LittleEndian.Uint32(body[h+len(mcpbSigHeader):])
	if uint64(h)+uint64(len(mcpbSigHeader))+4+uint64(n) > uint64(len(body)) {
		return nil, 0, false, fmt.Errorf("%w: malformed MCPB signature block (length %d overruns it)", ErrUnsafeArchive, n)
	}
	cut := size - tailLen + int64(h)
	return fixEOCDComment(io.NewSectionReader(ra, 0, cut), cut), cut, true, nil
}

// fixEOCDComment undoes what mcpb's signer does to keep signed bundles valid
// zips: it grows the end-of-central-directory comment length to cover the
// signature block. Once the block is cut off that length overruns the file
// and archive/zip would refuse it, so the field is patched in the view
// rather than in a copy.
func fixEOCDComment(r io.ReaderAt, size int64) io.ReaderAt {
	const eocdLen = 22
	n := min(size, 0xffff+eocdLen)
	if n < eocdLen {
		return r
	}
	buf := make([]byte, n)
	if _, err := r.ReadAt(buf, size-n); err != nil && err != io.EOF {
		return r
	}
	i := bytes.LastIndex(buf[:n-eocdLen+4], []byte("PK\x05\x06"))
	if i < 0 {
		return r
	}
	have := len(buf) - i - eocdLen
	if int(binary.LittleEndian.Uint16(buf[i+20:])) <= have {
		return r
	}
	return patchedReaderAt{r: r, off: size - n + int64(i) + 20, patch: binary.LittleEndian.AppendUint16(nil, uint16(have))}
}

// patchedReaderAt reads r with the bytes at off replaced by patch.
type patchedReaderAt struct {
	r     io.ReaderAt
	off   int64
	patch []byte
}

func (p patchedReaderAt) ReadAt(b []byte, off int64) (int, error) {
	n, err := p.r.ReadAt(b, off)
	for i, c := range p.patch {
		if j := p.off + int64(i) - off; j >= 0 && j < int64(n) {
			b[j] = c
		}
	}
	return n, err
}
