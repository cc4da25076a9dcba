package httpapi

import (
	"bytes"
	"encoding/json"
	"strconv"
	"sync"

	"github.com/labstack/echo/v4"
)

// jsonSerializer is Echo's JSON serializer with the answer encoded whole
// before it is written, so that it goes out with a Content-Length in one
// write instead of in chunks. Its output is encoding/json's, byte for
// byte, as Echo's own serializer writes it.
type jsonSerializer struct{ echo.DefaultJSONSerializer }

// encodeBuffers holds the buffers answers are encoded into; one grown
// past maxPooledBuffer is left to the garbage collector.
var encodeBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

const maxPooledBuffer = 1 << 20

// jsonAppender is an answer that appends its own JSON, byte for byte what
// encoding/json writes for it (rules.TraceReport, rules.RecognitionDecision).
type jsonAppender interface {
	AppendJSON(dst []byte) []byte
}

// Serialize encodes i, with indent when it is not empty, and writes it.
// An answer that appends its own JSON does so unless indented.
func (jsonSerializer) Serialize(c echo.Context, i any, indent string) error {
	buf := encodeBuffers.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= maxPooledBuffer {
			buf.Reset()
			encodeBuffers.Put(buf)
		}
	}()
	if a, ok := i.(jsonAppender); ok && indent == "" {
		b := append(a.AppendJSON(buf.AvailableBuffer()), '\n')
		buf.Write(b) // the bytes are already in place when they fit
	} else {
		enc := json.NewEncoder(buf)
		if indent != "" {
			enc.SetIndent("", indent)
		}
		if err := enc.Encode(i); err != nil {
			return err
		}
	}
	r := c.Response()
	if !r.Committed {
		r.Header().Set(echo.HeaderContentLength, strconv.Itoa(buf.Len()))
	}
	_, err := r.Write(buf.Bytes())
	return err
}
