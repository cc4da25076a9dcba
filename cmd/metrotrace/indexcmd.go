package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/spf13/cobra"

	"github.com/metrotrace/metrotrace/chaincode/badgerstub"
	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/index"
	"github.com/metrotrace/metrotrace/gateway/ledger"
)

func newIndexCommand(env Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "index",
		Short: "Maintain the read model (index) of a data directory",
		Args:  exactArgs(0, "a subcommand (rebuild)"),
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			return cmd.Help()
		}),
	}
	dataDir := DefaultDataDir
	fabricConn := ""
	rebuild := &cobra.Command{
		Use:   "rebuild",
		Short: "Empty the index and replay every ledger event from block 0",
		Long: `rebuild empties the index in DATA_DIR/index and replays the events of every
transaction of the embedded ledger in DATA_DIR/ledger into it — or, with
--fabric, every block of the channel from block 0 — then prints how many
records of each kind it holds. Stop the server on the data directory first.`,
		Args: exactArgs(0, "no arguments"),
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			if fabricConn != "" {
				return rebuildFromFabric(cmd.Context(), dataDir, fabricConn, env.Stdout)
			}
			return rebuildIndex(cmd.Context(), dataDir, env.Stdout, env.Stderr)
		}),
	}
	rebuild.Flags().StringVar(&dataDir, "data-dir", dataDir, "data directory")
	rebuild.Flags().StringVar(&fabricConn, "fabric", "", "connection description of a Fabric network (scripts/network.sh up writes it)")
	withEnv(rebuild.Flags(), "data-dir")
	withEnv(rebuild.Flags(), "fabric")
	cmd.AddCommand(rebuild)
	return cmd
}

// rebuildIndex replays the embedded ledger's transaction log into an
// emptied index, every transaction in order (those without an event only
// move the checkpoint), so the index ends exactly at the ledger's height.
func rebuildIndex(ctx context.Context, dataDir string, out, progress io.Writer) error {
	b, err := openEmbedded(dataDir)
	if err != nil {
		return err
	}
	defer b.Close()
	x, err := openIndex(dataDir, slog.New(slog.DiscardHandler))
	if err != nil {
		return fmt.Errorf("open the index: %w", err)
	}
	defer x.Close()
	store := b.embedded.Store()
	height, err := store.Height()
	if err != nil {
		return fmt.Errorf("ledger height: %w", err)
	}
	fmt.Fprintf(out, "Rebuilding the index of the %s: %d transactions.\n", b.name, height)
	start := time.Now()
	if err := x.Reset(); err != nil {
		return fmt.Errorf("empty the index: %w", err)
	}
	bar := newBar(progress, int(height), "replaying", "tx")
	events := 0
	err = store.Transactions(1, func(e badgerstub.TxEntry) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if e.Number > height {
			return nil
		}
		if e.EventName != "" {
			events++
		}
		if err := x.Apply(ledger.Event{BlockNumber: e.Number, TxID: e.TxID, Timestamp: e.Timestamp, Name: e.EventName, Payload: e.EventPayload}); err != nil {
			return fmt.Errorf("apply transaction %d (%s): %w", e.Number, e.TxID, err)
		}
		return bar.Add(1)
	})
	_ = bar.Finish()
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Replayed %d transactions (%d events) in %.1fs; index height %d, ledger height %d.\n",
		height, events, time.Since(start).Seconds(), x.Height(), height+1)
	return printCounts(x, out)
}

// rebuildFromFabric empties the index and follows the channel's blocks from
// block 0 until the index reaches the height the channel had at the start.
func rebuildFromFabric(ctx context.Context, dataDir, connPath string, out io.Writer) error {
	log := slog.New(slog.DiscardHandler)
	b, err := openFabric(connPath, log)
	if err != nil {
		return err
	}
	defer b.Close()
	x, err := openIndex(dataDir, log)
	if err != nil {
		return fmt.Errorf("open the index: %w", err)
	}
	defer x.Close()
	height, err := b.ledger.Height(ctx)
	if err != nil {
		return fmt.Errorf("channel height: %w", err)
	}
	fmt.Fprintf(out, "Rebuilding the index of the %s: %d blocks.\n", b.name, height)
	start := time.Now()
	if err := x.Reset(); err != nil {
		return fmt.Errorf("empty the index: %w", err)
	}
	follow, stop := context.WithCancel(ctx)
	defer stop()
	go func() { _ = x.Follow(follow, b.ledger) }()
	if err := x.WaitFor(ctx, height-1); err != nil {
		return err
	}
	stop()
	fmt.Fprintf(out, "Replayed %d blocks in %.1fs; index height %d.\n", height, time.Since(start).Seconds(), x.Height())
	return printCounts(x, out)
}

// printCounts prints how many records of each kind the index holds.
func printCounts(x *index.Index, out io.Writer) error {
	total := 0
	for _, dt := range record.DocTypes {
		n, err := countRecords(x, dt)
		if err != nil {
			return err
		}
		total += n
		fmt.Fprintf(out, "  %-12s %d\n", dt, n)
	}
	fmt.Fprintf(out, "  %-12s %d\n", "total", total)
	return nil
}

// countRecords counts the records of a doc type in the index.
func countRecords(x *index.Index, docType string) (int, error) {
	n, token := 0, ""
	for {
		p, err := x.List(context.Background(), docType, "", "", record.MaxPageSize, token)
		if err != nil {
			return 0, fmt.Errorf("count %s records: %w", docType, err)
		}
		n += len(p.Records)
		if p.NextPageToken == "" {
			return n, nil
		}
		token = p.NextPageToken
	}
}
