package backend

import (
	"fmt"
	"io"
)

// WithMaxResponseBytes stops the call reading a response body past n
// bytes: it fails with a *ResponseTooLargeError instead. The middleware
// bounds the JWKS this way, so that a broken or hostile endpoint cannot make
// it buffer an arbitrary answer. An n <= 0 leaves bodies unbounded.
func WithMaxResponseBytes(n int64) CallOption {
	return func(s *callSettings) { s.maxResponseBytes = n }
}

// ResponseTooLargeError reports a response body over the bound set with
// WithMaxResponseBytes.
type ResponseTooLargeError struct {
	Limit int64
}

func (e *ResponseTooLargeError) Error() string {
	return fmt.Sprintf("response body exceeds %d bytes", e.Limit)
}

// readLimited reads r to the end, failing once it passes limit bytes. It
// reads into 64 KiB first and then into one buffer of limit+1 bytes, so that
// an answer at the bound costs about the bound in memory, not the doubling
// series of io.ReadAll.
func readLimited(r io.Reader, limit int64) ([]byte, error) {
	buf := make([]byte, 0, min(limit+1, 64<<10))
	for {
		if len(buf) == cap(buf) {
			if int64(len(buf)) > limit {
				return nil, &ResponseTooLargeError{Limit: limit}
			}
			grown := make([]byte, len(buf), limit+1)
			copy(grown, buf)
			buf = grown
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			if int64(len(buf)) > limit {
				return nil, &ResponseTooLargeError{Limit: limit}
			}
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}
