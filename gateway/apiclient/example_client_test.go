package apiclient_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/metrotrace/metrotrace/gateway/apiclient"
)

// A request the server refused is an *apiclient.Error: the HTTP status and
// the code and message of the server's {"error": {"code", "message"}}
// body. Test for it with errors.As (or IsStatus for the status alone); any
// other error means the request got no answer (connection refused,
// timeout).
func ExampleClient_Get_errorHandling() {
	// A stand-in for a metrotrace server: it answers as the real one does
	// for a certificate it does not know.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"error":{"code":"not_found","message":"certificate NO-SUCH-CERT does not exist"}}`)
	}))
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close() // nothing listens there any more
	ctx := context.Background()

	for _, base := range []string{srv.URL, gone.URL} {
		c, err := apiclient.New(base, apiclient.WithToken("a token"))
		if err != nil {
			panic(err)
		}
		_, err = c.Get(ctx, "certificates", "NO-SUCH-CERT", apiclient.SourceIndex)
		var refused *apiclient.Error
		switch {
		case errors.As(err, &refused):
			fmt.Printf("refused: %d %s: %s\n", refused.Status, refused.Code, refused.Message)
			fmt.Println("not found:", apiclient.IsStatus(err, http.StatusNotFound))
		case err != nil:
			fmt.Println("no answer from the server")
		}
	}
	srv.Close()
	// Output:
	// refused: 404 not_found: certificate NO-SUCH-CERT does not exist
	// not found: true
	// no answer from the server
}
