//go:build !unix

package sqltest

import (
	"os/exec"
	"testing"
)

func asUnprivileged(t *testing.T, dir string) func(name string, args ...string) *exec.Cmd {
	return exec.Command
}
