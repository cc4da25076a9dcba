package apiclient

import "context"

// Header names of idempotent writes (see the server's Idempotency-Key).
const (
	headerIdempotencyKey     = "Idempotency-Key"
	headerIdempotentReplayed = "Idempotent-Replayed"
)

type idempotencyKey struct{}

// WithIdempotencyKey returns a context whose write requests carry key as
// their Idempotency-Key: the server applies a write with a key once, and
// answers a repeat of it with the first answer ([Written.Replayed]).
func WithIdempotencyKey(ctx context.Context, key string) context.Context {
	return context.WithValue(ctx, idempotencyKey{}, key)
}

func idempotencyKeyOf(ctx context.Context) string {
	key, _ := ctx.Value(idempotencyKey{}).(string)
	return key
}
