// Command mcpcert certifies MCP servers. See internal/cli.
package main

import (
	"context"
	"os"
	"os/signal"

	"github.com/mcpcert/mcpcert/internal/cli"
)

func main() {
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
