package apidottest

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"time"

	"github.com/soratui/soratui/assets"
)

func (s *Server) file(w http.ResponseWriter, r *http.Request) {
	idx := s.record(r, nil)
	s.mu.Lock()
	snap, ok := s.snapshotLocked(r.PathValue("task_id"))
	dropVideo := s.opts.Faults.DropVideo
	s.mu.Unlock()
	switch {
	case !ok || time.Now().Before(snap.EndsAt) || snap.Fails:
		s.noteAnswer(&idx, http.StatusNotFound)
		http.NotFound(w, r)
		return
	case snap.Expired:
		s.noteAnswer(&idx, http.StatusForbidden)
		http.Error(w, "Request has expired", http.StatusForbidden)
		return
	}
	clip := assets.SampleClip
	if r.PathValue("name") != "video.mp4" {
		s.noteAnswer(&idx, http.StatusNotFound)
		http.NotFound(w, r)
		return
	}
	if dropVideo {
		w.Header().Set("Content-Type", "video/mp4")
		w.Header().Set("Content-Length", fmt.Sprint(len(clip)))
		w.WriteHeader(http.StatusOK)
		w.Write(clip[:len(clip)/2])
		if fl, ok := w.(http.Flusher); ok {
			fl.Flush()
		}
		s.noteAnswer(&idx, 0)
		s.drop(w)
		return
	}
	s.noteAnswer(&idx, http.StatusOK)
	w.Header().Set("Content-Type", "video/mp4")
	http.ServeContent(w, r, "video.mp4", snap.EndsAt, bytes.NewReader(clip))
}

func (s *Server) image(w http.ResponseWriter, r *http.Request) {
	idx := s.record(r, nil)
	switch name := r.PathValue("name"); name {
	case "ok.png":
		s.noteAnswer(&idx, http.StatusOK)
		w.Header().Set("Content-Type", "image/png")
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(samplePNG()))
	case "nohead.png":
		if r.Method == http.MethodHead {
			s.noteAnswer(&idx, http.StatusMethodNotAllowed)
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		s.noteAnswer(&idx, http.StatusOK)
		w.Header().Set("Content-Type", "image/png")
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(samplePNG()))
	case "page.html":
		s.noteAnswer(&idx, http.StatusOK)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, "<html><body>not an image</body></html>")
	case "redirect.png":
		s.noteAnswer(&idx, http.StatusFound)
		http.Redirect(w, r, "/images/ok.png", http.StatusFound)
	case "loop.png":
		s.noteAnswer(&idx, http.StatusFound)
		http.Redirect(w, r, "/images/loop.png", http.StatusFound)
	default:
		s.noteAnswer(&idx, http.StatusNotFound)
		http.NotFound(w, r)
	}
}

// samplePNG is a small gradient, made on demand.
func samplePNG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 16, 9))
	for y := range 9 {
		for x := range 16 {
			img.Set(x, y, color.RGBA{uint8(x * 16), uint8(y * 28), 160, 255})
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return b.Bytes()
}
