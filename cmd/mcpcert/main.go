// Command mcpcert certifies MCP servers. See internal/cli.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"

	"github.com/mcpcert/mcpcert/internal/cli"
)

// defaultMemoryLimit is the Go runtime's soft memory limit unless the user
// sets GOMEMLIMIT: the scan holds the release's text once for all analyzers,
// and without a limit the heap may grow to twice the live set before a
// collection. It is a target for the collector, not a cap.
const defaultMemoryLimit = 200 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := cli.Main(ctx, os.Args[1:], cli.Streams{
		In:          os.Stdin,
		Out:         os.Stdout,
		Err:         os.Stderr,
		OutIsTTY:    isTerminal(os.Stdout),
		ColorDenied: os.Getenv("NO_COLOR") != "",
	})
	stop()
	os.Exit(code)
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
