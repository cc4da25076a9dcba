package contract_test

import (
	"strings"
	"testing"

	"github.com/metrotrace/metrotrace/chaincode/contract"
	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/scenario"
)

// TestAnIdempotencyKeyAppliesAWriteOnce: a write retried with its key is
// answered with the first answer and changes no record; the same key for
// another request is a conflict; keys are scoped by the caller.
func TestAnIdempotencyKeyAppliesAWriteOnce(t *testing.T) {
	l := newLedger(t)
	l.load(scenario.New())
	tj := l.as("TianjinMSP", "recorder", "TJ-ENT")
	other := l.as("TianjinMSP", "recorder", "TJIM")
	keyed := func(who *identityT, key, fn string, args ...string) (string, error) {
		p := l.proposal(who, fn, args)
		p.Transient = map[string][]byte{contract.TransientIdempotencyKey: []byte(key)}
		return l.submitWith(p)
	}
	std := `{"id":"TJ-ENT-S9","institution_id":"TJ-ENT","name":"砝码","level":"working","quantity":"mass",` +
		`"range":{"min":1,"max":100,"unit":"g"},"uncertainty":{"value":1,"unit":"mg","k":2}}`

	first, err := keyed(tj, "import-1", "RegisterStandard", std)
	if err != nil {
		t.Fatal(err)
	}
	again, err := keyed(tj, "import-1", "RegisterStandard", std)
	if err != nil {
		t.Fatalf("retry: %v", err)
	}
	if again != first {
		t.Fatalf("retry answered %s, first %s", again, first)
	}
	if n := len(decode[[]record.Version](t, l.mustEvaluate(tj, "History", "standard", "TJ-ENT-S9"))); n != 1 {
		t.Fatalf("%d versions of the standard after a retry, want 1", n)
	}
	stored := decode[contract.IdempotentWrite](t, l.mustEvaluate(tj, "GetIdempotentWrite", "import-1"))
	if stored.Function != "RegisterStandard" || stored.Result != first || stored.RequestSHA256 != contract.RequestSHA256("RegisterStandard", []string{std}) || stored.TxID == "" {
		t.Fatalf("stored %+v", stored)
	}

	t.Run("the same key for another request is a conflict that writes nothing", func(t *testing.T) {
		before := l.snapshot([2]string{"standard", "TJ-ENT-S9"}, [2]string{"standard", "TJ-ENT-S10"})
		_, err := keyed(tj, "import-1", "RegisterStandard", strings.Replace(std, "TJ-ENT-S9", "TJ-ENT-S10", 1))
		wantCode(t, err, record.Conflict)
		if !strings.Contains(err.Error(), `idempotency key "import-1" was used by transaction `+stored.TxID+` for another request (RegisterStandard)`) {
			t.Fatalf("message %v", err)
		}
		if after := l.snapshot([2]string{"standard", "TJ-ENT-S9"}, [2]string{"standard", "TJ-ENT-S10"}); after != before {
			t.Fatalf("state changed:\n%s\n%s", before, after)
		}
	})
	t.Run("a status change retried applies once", func(t *testing.T) {
		out1, err := keyed(tj, "seal-1", "SetStandardStatus", "TJ-ENT-S9", "sealed", "2024-05-01", "moved")
		if err != nil {
			t.Fatal(err)
		}
		// Without the key the retry would be "already sealed".
		out2, err := keyed(tj, "seal-1", "SetStandardStatus", "TJ-ENT-S9", "sealed", "2024-05-01", "moved")
		if err != nil || out2 != out1 {
			t.Fatalf("retry: %v, %s vs %s", err, out2, out1)
		}
		if n := len(decode[[]record.Version](t, l.mustEvaluate(tj, "History", "standard", "TJ-ENT-S9"))); n != 2 {
			t.Fatalf("%d versions, want 2", n)
		}
	})
	t.Run("keys are scoped by the caller's institution", func(t *testing.T) {
		if _, err := l.evaluate(other, "GetIdempotentWrite", "import-1"); record.ErrorCode(err) != record.NotFound {
			t.Fatalf("another institution sees the key: %v", err)
		}
	})
	t.Run("a malformed key is refused and writes nothing", func(t *testing.T) {
		for _, key := range []string{"with space", strings.Repeat("k", contract.MaxIdempotencyKeyLength+1), "\x00", "é"} {
			before := l.height()
			_, err := keyed(tj, key, "RevokeCertificate", "TJENT-2024-0007", "wrong")
			wantCode(t, err, record.Invalid)
			if l.height() != before {
				t.Fatalf("key %q: wrote", key)
			}
		}
	})
}
