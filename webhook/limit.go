package webhook

import (
	"container/list"
	"net"
	"sync"
	"time"
)

// Limits bound what callers can hold of the receiver, so slow or idle clients cannot
// starve a genuine callback.
type Limits struct {
	// MaxConns caps open connections; a new one past the cap closes the oldest, which a
	// slow client is and a genuine callback (done in milliseconds) is not. Default 64.
	MaxConns int
	// HeaderTimeout bounds reading a request's headers, ReadTimeout the whole request
	// (1 MB at most); defaults 5 s and 15 s.
	HeaderTimeout, ReadTimeout time.Duration
}

// DefaultLimits are the limits of Serve.
var DefaultLimits = Limits{MaxConns: 64, HeaderTimeout: 5 * time.Second, ReadTimeout: 15 * time.Second}

// withDefaults fills what l leaves zero.
func (l Limits) withDefaults() Limits {
	if l.MaxConns <= 0 {
		l.MaxConns = DefaultLimits.MaxConns
	}
	if l.HeaderTimeout <= 0 {
		l.HeaderTimeout = DefaultLimits.HeaderTimeout
	}
	if l.ReadTimeout <= 0 {
		l.ReadTimeout = DefaultLimits.ReadTimeout
	}
	return l
}

// capListener keeps at most max connections open, closing the oldest to make room.
type capListener struct {
	net.Listener
	max int

	mu    sync.Mutex
	conns *list.List // of *capConn, oldest first
}

func newCapListener(ln net.Listener, max int) *capListener {
	return &capListener{Listener: ln, max: max, conns: list.New()}
}

// Accept returns the next connection, closing the oldest open one first when the cap
// is reached.
func (l *capListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	cc := &capConn{Conn: c, l: l}
	l.mu.Lock()
	var oldest *capConn
	if l.conns.Len() >= l.max {
		oldest = l.conns.Remove(l.conns.Front()).(*capConn)
		oldest.elem = nil
	}
	cc.elem = l.conns.PushBack(cc)
	l.mu.Unlock()
	if oldest != nil {
		oldest.Conn.Close() // its server goroutine sees the error and lets go
	}
	return cc, nil
}

// open counts the connections held now.
func (l *capListener) open() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.conns.Len()
}

// capConn leaves its listener's list when closed.
type capConn struct {
	net.Conn
	l    *capListener
	elem *list.Element
}

func (c *capConn) Close() error {
	c.l.mu.Lock()
	if c.elem != nil {
		c.l.conns.Remove(c.elem)
		c.elem = nil
	}
	c.l.mu.Unlock()
	return c.Conn.Close()
}
