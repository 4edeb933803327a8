package resolve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

const (
	// maxBody bounds one registry response; the largest real packuments are
	// a few MiB, so anything beyond this is hostile or broken.
	maxBody = 32 << 20
	// maxParallel bounds concurrent registry requests, to be polite to the
	// registries and to keep memory bounded.
	maxParallel = 8
	// retryDelay spaces the single retry of a transient registry failure.
	retryDelay = 300 * time.Millisecond
	userAgent  = "mcpcert-resolve (+https://github.com/mcpcert/mcpcert)"
)

// errBudget means Options.MaxRequests registry requests have been made.
var errBudget = errors.New("registry request budget exhausted")

// errNotFound is a 404 from the registry: the package or version does not exist.
var errNotFound = errors.New("not found in registry")

// fetcher performs bounded, budgeted GET requests against the registries.
type fetcher struct {
	client *http.Client
	sem    chan struct{}

	mu       sync.Mutex
	requests int
	max      int
}

func newFetcher(c *http.Client, maxRequests int) *fetcher {
	return &fetcher{client: c, sem: make(chan struct{}, maxParallel), max: maxRequests}
}

// getJSON fetches url and decodes its JSON body into v, retrying once on
// transient failures (network errors, 429, 5xx).
func (f *fetcher) getJSON(ctx context.Context, url, accept string, v any) error {
	for attempt := 0; ; attempt++ {
		retry, err := f.try(ctx, url, accept, v)
		if err == nil || !retry || attempt == 1 {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(retryDelay):
		}
	}
}

func (f *fetcher) try(ctx context.Context, url, accept string, v any) (retry bool, err error) {
	select {
	case f.sem <- struct{}{}:
	case <-ctx.Done():
		return false, ctx.Err()
	}
	defer func() { <-f.sem }()

	f.mu.Lock()
	if f.requests >= f.max {
		f.mu.Unlock()
		return false, errBudget
	}
	f.requests++
	f.mu.Unlock()

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return false, err
	}
	req.Header.Set("Accept", accept)
	req.Header.Set("User-Agent", userAgent)
	resp, err := f.client.Do(req)
	if err != nil {
		return ctx.Err() == nil, err
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		return false, errNotFound
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return true, fmt.Errorf("GET %s: %s", url, resp.Status)
	case resp.StatusCode != http.StatusOK:
		return false, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return ctx.Err() == nil, fmt.Errorf("GET %s: %w", url, err)
	}
	if len(body) > maxBody {
		return false, fmt.Errorf("GET %s: response larger than %d bytes", url, maxBody)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return false, fmt.Errorf("GET %s: malformed registry response: %w", url, err)
	}
	return false, nil
}

// memo caches registry lookups by key, including failures, so each URL is
// requested at most once per Resolve call. Cancellation is not cached.
type memo[V any] struct {
	mu sync.Mutex
	m  map[string]memoEntry[V]
}

type memoEntry[V any] struct {
	v   V
	err error
}

func (c *memo[V]) get(key string, load func() (V, error)) (V, error) {
	c.mu.Lock()
	e, ok := c.m[key]
	c.mu.Unlock()
	if ok {
		return e.v, e.err
	}
	v, err := load()
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return v, err
	}
	c.mu.Lock()
	if c.m == nil {
		c.m = map[string]memoEntry[V]{}
	}
	c.m[key] = memoEntry[V]{v, err}
	c.mu.Unlock()
	return v, err
}

// parallel runs fn for every key concurrently; the fetcher's semaphore
// bounds how many requests are actually in flight. Callers then read the
// results back from the memo sequentially, which keeps output deterministic.
func parallel(keys []string, fn func(string)) {
	var wg sync.WaitGroup
	for _, k := range keys {
		wg.Go(func() { fn(k) })
	}
	wg.Wait()
}
