package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mcpcert/mcpcert/analyzers/analysis"
	"github.com/mcpcert/mcpcert/analyzers/mcpsurface"
	"github.com/mcpcert/mcpcert/internal/report"
	"github.com/mcpcert/mcpcert/internal/surface"
)

// toolsReport is the JSON output of `mcpcert tools`.
type toolsReport struct {
	SchemaVersion string             `json:"schemaVersion"`
	Source        report.Source      `json:"source"`
	Status        string             `json:"status"`
	Surface       *surface.Surface   `json:"surface"`
	Declared      []surface.Declared `json:"declared,omitempty"`
	Pin           *surface.Pin       `json:"pin,omitempty"`
	LivePin       *surface.Pin       `json:"livePin,omitempty"`
	Gaps          []analysis.Gap     `json:"gaps,omitempty"`
}

func toolsCommand(s Streams, logger func() (*slog.Logger, error)) *cobra.Command {
	o := &ScanOptions{Budget: 10 * time.Minute}
	cmd := &cobra.Command{
		Use:   "tools SOURCE",
		Short: "Print the tool surface extracted statically, and its pin",
		Long: `Extract every tool, prompt, resource and the server instructions from SOURCE
without running it, and print them with the tool pin (per-tool and manifest
sha256 of the documented normal form, docs/tool-pin.md). SOURCE takes the same
forms as for scan.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			log, err := logger()
			if err != nil {
				return err
			}
			return o.runTools(cmd.Context(), args[0], s, log)
		},
	}
	cmd.Flags().StringVarP(&o.Format, "format", "f", "text", "text or json")
	o.addSourceFlags(cmd.Flags())
	return cmd
}

func (o *ScanOptions) runTools(ctx context.Context, ref string, s Streams, log *slog.Logger) error {
	if o.Format != "text" && o.Format != "json" {
		return usageErrorf("--format %q: want text or json", o.Format)
	}
	res, err := o.scan(ctx, ref, []*analysis.Analyzer{mcpsurface.Analyzer}, log)
	if err != nil {
		return err
	}
	out := toolsReport{SchemaVersion: report.SchemaVersion, Source: res.Report.Source, Status: res.Report.Status}
	for _, e := range res.Report.Engines {
		out.Gaps = append(out.Gaps, e.Gaps...)
		if e.Outcome != report.OutcomeOK && e.Outcome != report.OutcomePartial {
			return withCode(ExitIncomplete, fmt.Errorf("tool extraction %s: %s", e.Outcome, e.Detail))
		}
	}
	if ms, ok := res.Results[mcpsurface.Analyzer].(*mcpsurface.Result); ok {
		out.Surface, out.Declared, out.Pin, out.LivePin = ms.Surface, ms.Declared, ms.Pin, ms.LivePin
	}
	var buf bytes.Buffer
	if o.Format == "json" {
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(out); err != nil {
			return err
		}
	} else {
		writeToolsText(&buf, out)
	}
	if err := o.write(s, res.Redactor.Bytes(buf.Bytes())); err != nil {
		return err
	}
	if out.Status != report.StatusComplete {
		return withCode(ExitIncomplete, nil)
	}
	return nil
}

func writeToolsText(b *bytes.Buffer, r toolsReport) {
	fmt.Fprintf(b, "%s (%s)\n", r.Source.Input, r.Source.Kind)
	if r.Pin != nil {
		exact := ""
		if !r.Pin.Exact {
			exact = " (not exact: some text is not resolved statically)"
		}
		fmt.Fprintf(b, "tool pin  %s  %s%s\n", r.Pin.Version, r.Pin.SHA256, exact)
	}
	if r.LivePin != nil {
		fmt.Fprintf(b, "live pin  %s  %s\n", r.LivePin.Version, r.LivePin.SHA256)
	}
	digest := map[string]string{}
	if r.Pin != nil {
		for _, t := range r.Pin.Tools {
			digest[t.Name] = t.SHA256
		}
	}
	if r.Surface == nil {
		return
	}
	fmt.Fprintf(b, "\nTools (%d)\n", len(r.Surface.Tools))
	for _, t := range r.Surface.Tools {
		fmt.Fprintf(b, "  %s  [%s, %s]  %s:%d\n", report.SanitizeLine(t.Name.Value), t.Resolution, t.Pattern, t.Pos.Path, t.Pos.StartLine)
		if d := digest[t.Name.Value]; d != "" {
			fmt.Fprintf(b, "    sha256 %s\n", d)
		}
		if t.Description != nil {
			fmt.Fprintf(b, "    %s\n", report.SanitizeLine(firstLine(t.Description.Value)))
		}
		if t.InputSchema != nil {
			for _, p := range t.InputSchema.Properties {
				req := ""
				if p.Required {
					req = " (required)"
				}
				desc := ""
				if p.Schema != nil && p.Schema.Description != nil {
					desc = ": " + firstLine(p.Schema.Description.Value)
				}
				typ := ""
				if p.Schema != nil {
					typ = " " + p.Schema.Type
				}
				fmt.Fprintf(b, "    - %s%s%s%s\n", report.SanitizeLine(p.Name.Value), typ, req, report.SanitizeLine(desc))
			}
		}
		for _, reason := range t.Reasons {
			fmt.Fprintf(b, "    ! %s\n", report.SanitizeLine(reason))
		}
	}
	for _, p := range r.Surface.Prompts {
		fmt.Fprintf(b, "prompt    %s  [%s]  %s:%d\n", report.SanitizeLine(p.Name.Value), p.Pattern, p.Pos.Path, p.Pos.StartLine)
	}
	for _, rs := range r.Surface.Resources {
		fmt.Fprintf(b, "resource  %s  %s  [%s]\n", report.SanitizeLine(rs.Name.Value), report.SanitizeLine(rs.URI.Value), rs.Pattern)
	}
	for _, in := range r.Surface.Instructions {
		fmt.Fprintf(b, "instructions  %s\n", report.SanitizeLine(firstLine(in.Value)))
	}
	for _, d := range r.Declared {
		fmt.Fprintf(b, "declared  %s  %s  (%d tools)\n", d.Kind, d.Path, len(d.Surface.Tools))
	}
	for _, g := range r.Gaps {
		fmt.Fprintf(b, "gap       %s  %s\n", g.Kind, report.SanitizeLine(g.Detail))
	}
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if r := []rune(s); len(r) > 160 {
		return string(r[:160]) + "…"
	}
	return s
}
