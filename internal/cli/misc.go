package cli

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/mcpcert/mcpcert/analyzers/all"
	"github.com/mcpcert/mcpcert/internal/buildinfo"
	"github.com/mcpcert/mcpcert/internal/osvdb"
	"github.com/mcpcert/mcpcert/internal/scan"
	"github.com/mcpcert/mcpcert/rules"
)

// DBDownloadOptions are the flags of `mcpcert db download`.
type DBDownloadOptions struct {
	Dir        string
	Ecosystems []string
	BaseURL    string
}

func dbCommand(s Streams, logger func() (*slog.Logger, error)) *cobra.Command {
	db := &cobra.Command{Use: "db", Short: "Manage offline vulnerability databases"}
	o := &DBDownloadOptions{}
	dl := &cobra.Command{
		Use:   "download",
		Short: "Download OSV databases for offline scans",
		Long: `Download OSV's per-ecosystem exports into DIR/osv-scalibr/<Ecosystem>/all.zip,
the layout osv-scanner reads. Use DIR with 'mcpcert scan --offline --osv-db DIR'.`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			log, err := logger()
			if err != nil {
				return err
			}
			if o.Dir == "" {
				return usageErrorf("--dir is required")
			}
			paths, err := osvdb.Download(cmd.Context(), o.Dir, o.Ecosystems, osvdb.DownloadOptions{
				BaseURL: o.BaseURL, HTTPClient: scan.DefaultHTTPClient(), Logger: log,
			})
			for _, p := range paths {
				fmt.Fprintln(s.Out, p)
			}
			if err != nil {
				return withCode(ExitUsage, err)
			}
			return nil
		},
	}
	dl.Flags().StringVar(&o.Dir, "dir", "", "directory to hold the databases")
	dl.Flags().StringSliceVar(&o.Ecosystems, "ecosystem", []string{"npm", "PyPI", "Go"}, "OSV ecosystems to download")
	dl.Flags().StringVar(&o.BaseURL, "base-url", osvdb.DefaultBaseURL, "where the exports are served")
	db.AddCommand(dl)
	return db
}

func rulesCommand(s Streams) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "rules [RULE-ID]",
		Short: "List the rules, or explain one",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			set, err := rules.Default()
			if err != nil {
				return err
			}
			list := set.All()
			if len(args) == 1 {
				r, ok := set.Get(strings.ToUpper(args[0]))
				if !ok {
					return usageErrorf("no rule %q (see `mcpcert rules`)", args[0])
				}
				list = []rules.Rule{r}
			}
			switch format {
			case "json":
				enc := json.NewEncoder(s.Out)
				enc.SetIndent("", "  ")
				return enc.Encode(list)
			case "text":
			default:
				return usageErrorf("--format %q: want text or json", format)
			}
			if len(args) == 1 {
				r := list[0]
				fmt.Fprintf(s.Out, "%s  %s\n\nseverity:   %s\nconfidence: %s\ncwe:        %s\nengine:     %s\n\n%s\n\nRemediation: %s\n",
					r.ID, r.Title, r.Severity, r.Confidence, r.CWE, r.Engine, r.Help, r.Remediation)
				return nil
			}
			tw := tabwriter.NewWriter(s.Out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tSEVERITY\tENGINE\tTITLE")
			for _, r := range list {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.ID, r.Severity, r.Engine, r.Title)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "text or json")
	return cmd
}

func versionCommand(s Streams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print mcpcert's version, its engines and its rule set",
		Args:  exactArgs(0),
		RunE: func(*cobra.Command, []string) error {
			set, err := rules.Default()
			if err != nil {
				return err
			}
			fmt.Fprintf(s.Out, "mcpcert %s\nrules %s (%s)\n", buildinfo.Version, rules.Version, set.Digest())
			for _, a := range all.Analyzers() {
				fmt.Fprintf(s.Out, "engine %s: %s\n", a.Name, a.Version)
			}
			return nil
		},
	}
}

func exitCodesCommand(s Streams) *cobra.Command {
	return &cobra.Command{
		Use:   "exit-codes",
		Short: "Explain mcpcert's exit codes",
		Args:  exactArgs(0),
		RunE: func(*cobra.Command, []string) error {
			for _, c := range ExitCodes {
				fmt.Fprintf(s.Out, "%d  %s\n", c.Code, c.Meaning)
			}
			return nil
		},
	}
}
