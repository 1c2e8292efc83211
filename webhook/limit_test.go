package webhook_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/soratui/soratui/apidot/apidottest"
	"github.com/soratui/soratui/jobs/jobstest"
	"github.com/soratui/soratui/webhook"
)

// slowClients opens n connections that send half a request's headers and then stall, as
// a slowloris attack does; the caller closes them.
func slowClients(t *testing.T, addr string, n int) []net.Conn {
	t.Helper()
	conns := make([]net.Conn, 0, n)
	for range n {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatalf("slow client %d: %v", len(conns), err)
		}
		fmt.Fprint(c, "POST /cb HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n")
		conns = append(conns, c)
	}
	return conns
}

func TestSlowClientsCannotStarveAGenuineCallback(t *testing.T) {
	t.Parallel()
	r := newRig(t, apidottest.Options{}, 0)
	job := r.submit(t, false)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	// Timeouts far longer than the test: only the connection cap can make room.
	go func() {
		done <- webhook.ServeWith(ctx, ln, r.recv, webhook.Limits{MaxConns: 16, HeaderTimeout: time.Hour, ReadTimeout: time.Hour})
	}()
	var slow []net.Conn
	defer func() {
		for _, c := range slow {
			c.Close()
		}
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	}()
	slow = slowClients(t, ln.Addr().String(), 1000)

	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Post("http://"+ln.Addr().String()+"/cb", "application/json",
		strings.NewReader(callbackBody(job.TaskID, "finished")))
	if err != nil {
		t.Fatalf("the genuine callback did not get through: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("genuine callback answered %d, want 202", resp.StatusCode)
	}
	jobstest.Eventually(t, "the callback's confirmation", func() bool {
		return strings.Contains(r.log.String(), "confirmed finished")
	})
	// The oldest slow clients were closed to make room: the cap held.
	slow[0].SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := slow[0].Read(make([]byte, 1)); err == nil || errors.Is(err, context.DeadlineExceeded) || isTimeout(err) {
		t.Fatalf("the oldest slow client is still open (%v): connections are not capped", err)
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func TestFlatCallbackShapeIsAccepted(t *testing.T) {
	t.Parallel()
	r := newRig(t, apidottest.Options{}, 0)
	job := r.submit(t, false)
	resp := r.post(t, http.MethodPost, fmt.Sprintf(`{"task_id":%q,"status":"finished","progress":100}`, job.TaskID))
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("flat callback answered %d, want 202", resp.StatusCode)
	}
	jobstest.Eventually(t, "the flat callback's confirmation", func() bool {
		return strings.Contains(r.log.String(), "confirmed finished")
	})
}
