//go:build !unix

package frames

import (
	"errors"
	"time"
)

// Query reports HalfBlock where no terminal can be asked.
func Query(timeout time.Duration) (Protocol, error) {
	return HalfBlock, errors.New("terminal queries need a Unix terminal")
}
