//go:build !unix

package historytest

import "os/exec"

// ownGroup leaves cmd as it is: process groups are a Unix notion.
func ownGroup(*exec.Cmd) {}

// killGroup kills the started cmd.
func killGroup(cmd *exec.Cmd) {
	cmd.Process.Kill()
}
