package history

import (
	"os"
	"sync"
	"time"
)

// stampSettle is how old the file's modification time must be at a read
// for an unchanged one to prove nothing wrote since. File systems keep
// times coarsely (a clock tick, or seconds on some), so a write just after
// a read can leave the time it stamps equal to one seen before the read;
// once the seen time is older than any such granularity, a later write
// always stamps a newer one.
const stampSettle = 2 * time.Second

// stampCache keeps the last Stamp read with the file's identity, size and
// modification time taken just before that read. Every write changes the
// modification time, so while all three match (and the time had settled),
// the stamp is still the file's.
type stampCache struct {
	mu      sync.Mutex
	ok      bool
	info    os.FileInfo
	stamp   Stamp
	settled bool
}

// get is the kept stamp when info, the file as it is now, shows it
// provably unchanged.
func (c *stampCache) get(info os.FileInfo) (Stamp, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.ok || !c.settled || !os.SameFile(info, c.info) || info.Size() != c.info.Size() || !info.ModTime().Equal(c.info.ModTime()) {
		return Stamp{}, false
	}
	return c.stamp, true
}

// put keeps st, read at readAt from the file as before describes it.
func (c *stampCache) put(before os.FileInfo, readAt time.Time, st Stamp) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ok, c.info, c.stamp = true, before, st
	c.settled = readAt.Sub(before.ModTime()) > stampSettle
}
