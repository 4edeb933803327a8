package source

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func TestHTTPErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "boom", http.StatusInternalServerError)
	}))
	defer srv.Close()
	_, err := Open(context.Background(), "npm:x@1.0.0", Options{NPMRegistry: srv.URL, TempDir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "HTTP 500") {
		t.Fatalf("err = %v, want an HTTP 500 error", err)
	}

	// Credentials in a configured registry URL never reach the error.
	u, _ := url.Parse(srv.URL)
	u.User = url.UserPassword("me", "hunter2")
	srv.Close()
	_, err = Open(context.Background(), "npm:x@1.0.0", Options{NPMRegistry: u.String(), TempDir: t.TempDir()})
	if err == nil || strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "me:") {
		t.Fatalf("err = %v: want a connection error without credentials", err)
	}
}

func TestRedirectDowngradeRefused(t *testing.T) {
	c := defaultHTTPClient()
	from, _ := http.NewRequest(http.MethodGet, "https://registry.example/x", nil)
	to, _ := http.NewRequest(http.MethodGet, "http://registry.example/x", nil)
	if err := c.CheckRedirect(to, []*http.Request{from}); err == nil {
		t.Error("https -> http redirect allowed")
	}
	up, _ := http.NewRequest(http.MethodGet, "https://cdn.example/x", nil)
	if err := c.CheckRedirect(up, []*http.Request{from}); err != nil {
		t.Errorf("https -> https redirect refused: %v", err)
	}
}
