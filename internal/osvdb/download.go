package osvdb

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
)

// DefaultBaseURL serves OSV's per-ecosystem exports (<base>/<Ecosystem>/all.zip).
const DefaultBaseURL = "https://osv-vulnerabilities.storage.googleapis.com"

// DownloadOptions configure Download.
type DownloadOptions struct {
	BaseURL    string
	HTTPClient *http.Client
	// MaxBytes bounds one ecosystem's zip (default 4 GiB).
	MaxBytes int64
	Logger   *slog.Logger
}

// Download fetches each ecosystem's all.zip into dir/osv-scalibr/<Eco>/,
// replacing the previous copy only once the new one is complete and opens
// as a zip with at least one record.
func Download(ctx context.Context, dir string, ecosystems []string, opts DownloadOptions) ([]string, error) {
	if opts.BaseURL == "" {
		opts.BaseURL = DefaultBaseURL
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = http.DefaultClient
	}
	if opts.MaxBytes == 0 {
		opts.MaxBytes = 4 << 30
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var written []string
	for _, eco := range ecosystems {
		if !slices.Contains(Ecosystems, eco) {
			return written, fmt.Errorf("unknown OSV ecosystem %q (known: %v)", eco, Ecosystems)
		}
		dst := filepath.Join(dir, "osv-scalibr", eco, "all.zip")
		log.Info("downloading OSV database", "ecosystem", eco)
		if err := fetch(ctx, opts, opts.BaseURL+"/"+url.PathEscape(eco)+"/all.zip", dst); err != nil {
			return written, fmt.Errorf("download %s database: %w", eco, err)
		}
		written = append(written, dst)
	}
	return written, nil
}

func fetch(ctx context.Context, opts DownloadOptions, u, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := opts.HTTPClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".all.zip-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	n, err := io.Copy(tmp, io.LimitReader(resp.Body, opts.MaxBytes+1))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if n > opts.MaxBytes {
		return fmt.Errorf("GET %s: larger than %d bytes", u, opts.MaxBytes)
	}
	r, err := zip.OpenReader(tmp.Name())
	if err != nil {
		return fmt.Errorf("GET %s: not a zip archive: %w", u, err)
	}
	records := 0
	for _, f := range r.File {
		if filepath.Ext(f.Name) == ".json" {
			records++
		}
	}
	r.Close()
	if records == 0 {
		return fmt.Errorf("GET %s: the archive holds no OSV records", u)
	}
	return os.Rename(tmp.Name(), dst)
}
