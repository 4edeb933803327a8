package source

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"time"
)

// maxMetadataBytes bounds registry JSON and checksum-database responses.
// Abbreviated npm packuments of very popular packages reach tens of MiB.
const maxMetadataBytes = 64 << 20

// defaultHTTPClient honours HTTP(S)_PROXY/NO_PROXY, bounds connection
// set-up and the wait for response headers (the overall Timeout is only a
// backstop for large downloads; callers' contexts govern), and refuses
// redirects that would downgrade https to http.
func defaultHTTPClient() *http.Client {
	t := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          10,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   15 * time.Second,
		ResponseHeaderTimeout: time.Minute,
		ExpectContinueTimeout: time.Second,
	}
	return &http.Client{
		Transport: t,
		Timeout:   30 * time.Minute,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 10 {
				return errors.New("stopped after 10 redirects")
			}
			if via[0].URL.Scheme == "https" && req.URL.Scheme != "https" {
				return fmt.Errorf("refusing redirect from https to %s", redactURL(req.URL.String()))
			}
			return nil
		},
	}
}

// get performs a GET and returns the response if it is 200 OK; 404 and 410
// become ErrNotFound. The caller closes the body.
func (f *fetcher) get(rawURL, accept string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(f.ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %v", redactURL(rawURL), err)
	}
	req.Header.Set("User-Agent", UserAgent)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := f.opts.HTTPClient.Do(req)
	if err != nil {
		// *url.Error repeats the URL with any credentials; keep only the cause.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("GET %s: %w", redactURL(rawURL), err)
	}
	switch resp.StatusCode {
	case http.StatusOK:
		return resp, nil
	case http.StatusNotFound, http.StatusGone:
		resp.Body.Close()
		return nil, fmt.Errorf("GET %s: HTTP %d: %w", redactURL(rawURL), resp.StatusCode, ErrNotFound)
	default:
		resp.Body.Close()
		return nil, fmt.Errorf("GET %s: HTTP %s", redactURL(rawURL), resp.Status)
	}
}

// getBytes reads a whole response of at most maxMetadataBytes.
func (f *fetcher) getBytes(rawURL, accept string) ([]byte, error) {
	resp, err := f.get(rawURL, accept)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxMetadataBytes+1))
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", redactURL(rawURL), err)
	}
	if len(b) > maxMetadataBytes {
		return nil, fmt.Errorf("GET %s: %w: response larger than %d bytes", redactURL(rawURL), ErrLimitExceeded, maxMetadataBytes)
	}
	return b, nil
}

func (f *fetcher) getJSON(rawURL, accept string, v any) error {
	b, err := f.getBytes(rawURL, accept)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("GET %s: invalid JSON: %v", redactURL(rawURL), err)
	}
	return nil
}

// sums are the digests of one artifact. All three are always computed so
// that every registry's published digest can be checked from one pass.
type sums struct{ sha1, sha256, sha512 []byte }

// hashingWriter feeds the three digests.
type hashingWriter struct {
	w          io.Writer
	s1, s2, s5 hash.Hash
}

func newHashingWriter(w io.Writer) *hashingWriter {
	return &hashingWriter{w: w, s1: sha1.New(), s2: sha256.New(), s5: sha512.New()}
}

func (h *hashingWriter) Write(p []byte) (int, error) {
	h.s1.Write(p)
	h.s2.Write(p)
	h.s5.Write(p)
	return h.w.Write(p)
}

func (h *hashingWriter) sums() sums {
	return sums{sha1: h.s1.Sum(nil), sha256: h.s2.Sum(nil), sha512: h.s5.Sum(nil)}
}

// download streams rawURL into <workspace>/artifact while hashing it,
// refusing more than MaxDownloadBytes. The artifact keeps a fixed name so a
// hostile file name in a URL can never choose where it lands.
func (f *fetcher) download(rawURL string) (string, sums, error) {
	limit := f.opts.Limits.MaxDownloadBytes
	f.log.Info("downloading", "url", redactURL(rawURL))
	resp, err := f.get(rawURL, "")
	if err != nil {
		return "", sums{}, err
	}
	defer resp.Body.Close()
	if resp.ContentLength > limit {
		return "", sums{}, fmt.Errorf("GET %s: %w: %d bytes exceeds the %d-byte download limit", redactURL(rawURL), ErrLimitExceeded, resp.ContentLength, limit)
	}
	dst := filepath.Join(f.tmp, "artifact")
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", sums{}, err
	}
	hw := newHashingWriter(out)
	n, err := io.Copy(hw, io.LimitReader(resp.Body, limit+1))
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", sums{}, fmt.Errorf("GET %s: %w", redactURL(rawURL), err)
	}
	if n > limit {
		return "", sums{}, fmt.Errorf("GET %s: %w: more than %d bytes", redactURL(rawURL), ErrLimitExceeded, limit)
	}
	return dst, hw.sums(), nil
}

// redactURL removes userinfo so credentials never reach logs, errors or
// reports. Unparseable input is not echoed at all.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(invalid URL)"
	}
	u.User = nil
	return u.String()
}

func fileURL(p string) string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(p)}).String()
}

func checkHTTPURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("%w: artifact URL %q is not an http(s) URL", ErrUnsupported, redactURL(raw))
	}
	return nil
}
