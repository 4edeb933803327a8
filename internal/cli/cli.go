// Package cli is mcpcert's command line: a cobra tree whose commands only
// parse flags into options structs and call cobra-free implementations.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/mcpcert/mcpcert/internal/buildinfo"
	"github.com/mcpcert/mcpcert/internal/source"
)

// Streams are the command's standard streams; stdout carries only the report.
type Streams struct {
	In          io.Reader
	Out, Err    io.Writer
	OutIsTTY    bool
	ColorDenied bool // NO_COLOR is set
}

// Main runs mcpcert with args and returns the process exit code.
func Main(ctx context.Context, args []string, s Streams) int {
	root := New(s)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if !errors.As(err, &ee) || ee.err != nil {
		fmt.Fprintf(s.Err, "mcpcert: %v\n", err)
	}
	return codeOf(err)
}

// New builds the command tree.
func New(s Streams) *cobra.Command {
	source.UserAgent = "mcpcert/" + buildinfo.Version
	var logLevel string
	root := &cobra.Command{
		Use:   "mcpcert",
		Short: "Certify MCP servers before they are installed",
		Long: `mcpcert fetches the exact release of an MCP server, unpacks it safely without
ever executing it, and analyses it offline-capable and deterministically:
hard-coded secrets and vulnerable dependencies today, with the tool surface,
tool poisoning, SAST, scoring and signed attestations to come.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       buildinfo.Version,
	}
	root.SetOut(s.Out)
	root.SetErr(s.Err)
	root.PersistentFlags().StringVar(&logLevel, "log-level", "info", "stderr log level: debug, info, warn, error")
	logger := func() (*slog.Logger, error) {
		var l slog.Level
		if err := l.UnmarshalText([]byte(logLevel)); err != nil {
			return nil, usageErrorf("--log-level: %v", err)
		}
		return slog.New(slog.NewTextHandler(s.Err, &slog.HandlerOptions{Level: l})), nil
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return withCode(ExitUsage, err) })
	root.AddCommand(
		scanCommand(s, logger),
		toolsCommand(s, logger),
		certifyCommand(s, logger),
		verifyCommand(s),
		keygenCommand(s),
		dbCommand(s, logger),
		rulesCommand(s),
		versionCommand(s),
		exitCodesCommand(s),
	)
	return root
}

// exactArgs is cobra.ExactArgs with a usage exit code.
func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usageErrorf("%s: expected %d argument(s), got %d", cmd.CommandPath(), n, len(args))
		}
		return nil
	}
}
