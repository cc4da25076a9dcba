package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

func newSeedCommand(env Env) *cobra.Command {
	dataDir := DefaultDataDir
	cmd := &cobra.Command{
		Use:   "seed",
		Short: "Load the demo dataset into an empty embedded ledger",
		Long: `seed loads the demo dataset (a Beijing-Tianjin-Hebei region of institutions,
standards, instruments, certificates, comparisons and an agreement, dated
today) into the embedded ledger of a data directory. It refuses a ledger that
holds anything else; a load that was interrupted is finished. The server's
index catches up when 'metrotrace serve' starts.`,
		Args: exactArgs(0, "no arguments"),
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			b, err := openEmbedded(dataDir)
			if err != nil {
				return err
			}
			defer b.Close()
			today := env.now().Format(record.DateLayout)
			res, err := loadDemo(cmd.Context(), b.embedded, dataDir, today, env.Stderr)
			if errors.Is(err, errLedgerNotEmpty) {
				return fmt.Errorf("refusing to seed the %s: %w; seed an empty data directory (--data-dir)", b.name, err)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, "Seeded the %s with the demo dataset of %s: %d transactions in %.1fs", b.name, res.Dataset.Today,
				res.Steps-res.Resumed, res.Duration.Seconds())
			if res.Resumed > 0 {
				fmt.Fprintf(env.Stdout, " (resumed after %d)", res.Resumed)
			}
			fmt.Fprintln(env.Stdout, ".")
			return nil
		}),
	}
	cmd.Flags().StringVar(&dataDir, "data-dir", dataDir, "data directory")
	withEnv(cmd.Flags(), "data-dir")
	return cmd
}
