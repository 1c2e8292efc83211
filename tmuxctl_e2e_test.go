package main_test

import (
	"bufio"
	"io"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/soratui/soratui/internal/lockedio"
)

// control is a tmux control-mode client (tmux -C) attached to a test's
// session. The tests look at the screen and type through it rather than
// start a tmux process for every look (each costs about 10 ms of CPU,
// and a wait looks many times), and it tells when the pane has written
// something, so a wait looks again as soon as there is news.
type control struct {
	in      io.WriteCloser
	mu      sync.Mutex       // one command at a time
	replies chan tmuxReply   // the replies to this client's commands, in order
	written chan struct{}    // a token: the pane wrote since the last look
	ready   chan struct{}    // closed once the client is attached to a session
	done    chan struct{}    // closed when the client has ended
	wait    func() error     // reaps the client
	closeIn sync.Once        // the client ends when its input closes
	stderr  *lockedio.Buffer // what the client complained of, for failures
}

// tmuxReply is the output of one command, and whether it failed.
type tmuxReply struct {
	lines  []string
	failed bool
}

// startControl starts a control client on the tmux server socket with
// the command args (new-session makes the session and attaches to it);
// the test's cleanup detaches it.
func startControl(t testing.TB, socket string, args ...string) *control {
	t.Helper()
	cmd := exec.Command("tmux", append([]string{"-L", socket, "-C"}, args...)...)
	in, out := stdioPipes(t, cmd)
	c := &control{in: in, replies: make(chan tmuxReply, 8), written: make(chan struct{}, 1),
		ready: make(chan struct{}), done: make(chan struct{}), wait: cmd.Wait, stderr: &lockedio.Buffer{}}
	cmd.Stderr = c.stderr
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatalf("tmux -C %s: %v", strings.Join(args, " "), err)
	}
	go c.read(out)
	t.Cleanup(c.close)
	// Commands sent before the session exists would find no target.
	select {
	case <-c.ready:
	case <-c.done:
	case <-time.After(30 * time.Second):
		t.Fatalf("tmux -C %s: no session after 30 s\n%s", strings.Join(args, " "), c.stderr)
	}
	return c
}

// read sorts the client's output: replies to the commands it sent (a
// %begin … %end or %error block whose flags are 1), and %output
// notifications, which leave a token in written.
func (c *control) read(out io.Reader) {
	defer close(c.done)
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	var reply *tmuxReply // the reply being read, nil between replies
	attached := false
	for sc.Scan() {
		line := sc.Text()
		switch {
		case !attached && strings.HasPrefix(line, "%session-changed "):
			attached = true
			close(c.ready)
		case reply != nil && (strings.HasPrefix(line, "%end ") || strings.HasPrefix(line, "%error ")):
			reply.failed = strings.HasPrefix(line, "%error ")
			c.replies <- *reply
			reply = nil
		case reply != nil:
			reply.lines = append(reply.lines, line)
		case strings.HasPrefix(line, "%begin ") && strings.HasSuffix(line, " 1"):
			reply = &tmuxReply{}
		case strings.HasPrefix(line, "%output "):
			select {
			case c.written <- struct{}{}:
			default:
			}
		}
	}
	io.Copy(io.Discard, out)
}

// command runs one tmux command (its words quoted with tmuxQuote where
// they need it) and returns its reply; ok is false when the client has
// ended, as it does when the session closes, or does not answer.
func (c *control) command(line string) (reply tmuxReply, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	select {
	case <-c.done:
		return tmuxReply{}, false
	default:
	}
	if _, err := io.WriteString(c.in, line+"\n"); err != nil {
		return tmuxReply{}, false
	}
	select {
	case r := <-c.replies:
		return r, true
	case <-c.done:
		select {
		case r := <-c.replies:
			return r, true
		default:
			return tmuxReply{}, false
		}
	case <-time.After(30 * time.Second):
		return tmuxReply{}, false
	}
}

// awaitOutput returns once the pane has written something since the last
// call, or after at most d.
func (c *control) awaitOutput(d time.Duration) {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-c.written:
	case <-c.done:
		<-timer.C
	case <-timer.C:
	}
}

// close detaches the client and reaps it.
func (c *control) close() {
	c.closeIn.Do(func() {
		c.in.Close()
		c.wait()
	})
}

// tmuxQuote makes s one word of a tmux command line.
func tmuxQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, `$`, `\$`).Replace(s) + `"`
}
