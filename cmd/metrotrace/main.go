// Command metrotrace serves the metrotrace gateway and is its command line.
//
//	metrotrace serve                 serve the HTTP API (embedded ledger, demo data)
//	metrotrace token                 print a bearer token a server on a data directory accepts
//	metrotrace seed                  load the demo dataset into an empty embedded ledger
//	metrotrace index rebuild         replay the read model from block 0
//	metrotrace get|history|trace|impact|recognize|verify|dcc import|import
//	metrotrace supervision due|overdue|approvals|at-risk|coverage
//	                                 ask a running server, with a token
//
// Flags fall back to METROTRACE_* environment variables (listed in each
// command's help). Exit status: 0 on success, 1 when the work failed (the
// server refused a request, a record was rejected, the ledger could not be
// opened), 2 on a usage error.
//
// The serve command is built around [Main], as in WTF Dial's wtfd: tests
// start the real server in-process on 127.0.0.1:0 with its Config, Run and
// Close.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Exit statuses.
const (
	ExitOK      = 0
	ExitFailure = 1
	ExitUsage   = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Execute(ctx, os.Args[1:], Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv})
	stop()
	os.Exit(code)
}

// Env is what a command sees of the outside world; tests replace it.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Getenv reads an environment variable (nil: none is set).
	Getenv func(string) string
	// Now is the clock (nil: time.Now).
	Now func() time.Time
}

func (e Env) getenv(name string) string {
	if e.Getenv == nil {
		return ""
	}
	return e.Getenv(name)
}

func (e Env) now() time.Time {
	if e.Now == nil {
		return time.Now()
	}
	return e.Now()
}

// Execute runs the command line args and returns the exit status. Errors
// are printed to env.Stderr.
func Execute(ctx context.Context, args []string, env Env) int {
	if env.Stdin == nil {
		env.Stdin = eofReader{}
	}
	if env.Stdout == nil {
		env.Stdout = io.Discard
	}
	if env.Stderr == nil {
		env.Stderr = io.Discard
	}
	root := NewRootCommand(env)
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return ExitOK
	}
	var f *failure
	if errors.As(err, &f) {
		if !f.reported {
			fmt.Fprintf(env.Stderr, "metrotrace: %v\n", f.err)
		}
		return ExitFailure
	}
	fmt.Fprintf(env.Stderr, "metrotrace: %v\n", err)
	if cmd != nil {
		fmt.Fprintf(env.Stderr, "Run '%s --help' for usage.\n", cmd.CommandPath())
	}
	return ExitUsage
}

// eofReader is an empty standard input.
type eofReader struct{}

// Read reports the end of input.
func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

// NewRootCommand builds the metrotrace command tree over env.
func NewRootCommand(env Env) *cobra.Command {
	root := &cobra.Command{
		Use:   "metrotrace",
		Short: "Traceability ledger for measurement: gateway and command line",
		Long: `metrotrace records, on a Hyperledger Fabric channel or an embedded ledger, how
measurement value flows from national primary standards down to working
instruments, and answers: is this instrument traceable? what did this
out-of-tolerance standard affect? is this certificate recognized here?

Start with:  metrotrace serve
`,
		SilenceErrors: true,
		SilenceUsage:  true,
		// Flags not given fall back to their environment variables.
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			return applyEnv(cmd.Flags(), env.getenv)
		},
	}
	root.SetIn(env.Stdin)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageErrorf("%v", err) })
	root.CompletionOptions.DisableDefaultCmd = true
	root.AddCommand(
		newServeCommand(env),
		newTokenCommand(env),
		newSeedCommand(env),
		newIndexCommand(env),
		newGetCommand(env),
		newHistoryCommand(env),
		newTraceCommand(env),
		newImpactCommand(env),
		newRecognizeCommand(env),
		newVerifyCommand(env),
		newDCCCommand(env),
		newImportCommand(env),
		newSupervisionCommand(env),
	)
	return root
}

// failure is an error of the work itself (exit 1), as opposed to a usage
// error (exit 2). reported means the command already told the user.
type failure struct {
	err      error
	reported bool
}

// Error returns the failure's message.
func (f *failure) Error() string { return f.err.Error() }

// Unwrap returns the cause.
func (f *failure) Unwrap() error { return f.err }

// usageError is a command line the command cannot run (exit 2).
type usageError struct{ msg string }

// Error returns what is wrong with the command line.
func (u *usageError) Error() string { return u.msg }

func usageErrorf(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// errReported is a failure the command has already explained on its
// output (an import summary with rejected records).
func errReported(format string, args ...any) error {
	return &failure{err: fmt.Errorf(format, args...), reported: true}
}

// runE adapts a command's work to cobra: errors it returns are failures
// (exit 1) unless they are usage errors.
func runE(fn func(cmd *cobra.Command, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		err := fn(cmd, args)
		var u *usageError
		var f *failure
		if err == nil || errors.As(err, &u) || errors.As(err, &f) {
			return err
		}
		return &failure{err: err}
	}
}

// exactArgs is cobra.ExactArgs with a usage error that names what is
// expected.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) != n {
			return usageErrorf("expected %s, got %d argument(s)", what, len(args))
		}
		return nil
	}
}

// Environment fallbacks: a flag annotated with envAnnotation takes the
// named variable's value when it is not given on the command line. This is
// the one place that reads the environment.
const envAnnotation = "metrotrace-env"

// withEnv marks flag name of fs as falling back to METROTRACE_<NAME> and
// says so in its usage.
func withEnv(fs *pflag.FlagSet, name string) {
	f := fs.Lookup(name)
	if f == nil {
		panic("withEnv: no flag " + name)
	}
	v := envName(name)
	_ = fs.SetAnnotation(name, envAnnotation, []string{v})
	f.Usage += " (env " + v + ")"
}

func envName(flag string) string {
	b := []byte("METROTRACE_")
	for _, r := range flag {
		switch {
		case r == '-':
			b = append(b, '_')
		case r >= 'a' && r <= 'z':
			b = append(b, byte(r-'a'+'A'))
		default:
			b = append(b, byte(r))
		}
	}
	return string(b)
}

// applyEnv sets every annotated flag not given on the command line from its
// environment variable, when that is set.
func applyEnv(fs *pflag.FlagSet, getenv func(string) string) error {
	var err error
	fs.VisitAll(func(f *pflag.Flag) {
		names := f.Annotations[envAnnotation]
		if err != nil || f.Changed || len(names) == 0 {
			return
		}
		v := getenv(names[0])
		if v == "" {
			return
		}
		if setErr := fs.Set(f.Name, v); setErr != nil {
			err = usageErrorf("%s=%q: %v", names[0], v, setErr)
		}
	})
	return err
}
