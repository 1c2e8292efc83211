package cli

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

func TestDemoFilesComeFromTheRunningSimulator(t *testing.T) {
	t.Parallel()
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.URL.Path)
		io.WriteString(w, "clip")
	}))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	client := &http.Client{Transport: demoFiles{host: u.Host}}

	// A result URL recorded by an earlier demo process, on a port now closed.
	resp, err := client.Get("http://127.0.0.1:1/files/task-unified-1-0001-00000000s/video.mp4")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(got) != 1 || got[0] != "/files/task-unified-1-0001-00000000s/video.mp4" {
		t.Errorf("simulator saw %v", got)
	}
	// Anything else goes where it says.
	if _, err := client.Get("http://127.0.0.1:1/api/generate/status/x"); err == nil {
		t.Error("a non-file request was redirected")
	}
}
