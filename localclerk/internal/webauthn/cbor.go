package webauthn

import (
	"encoding/binary"
	"errors"
	"math"
)

// A CBOR (RFC 8949) decoder for what WebAuthn needs: attestation objects,
// COSE keys and extension maps. It reads unsigned and negative integers,
// byte and text strings, arrays, maps, and the simple values false, true
// and null; floats, tags, indefinite lengths and other simple values are
// refused, as no authenticator data WebAuthn defines needs them. Every
// length is checked against what is left of the input before anything is
// allocated, and nesting is bounded, so hostile input costs at most its
// own size.

// maxDepth bounds nested arrays and maps, and maxItems their entries:
// the largest WebAuthn needs are a COSE key (5 entries) and a short
// certificate chain, and a bound keeps the duplicate-key check cheap.
const (
	maxDepth = 16
	maxItems = 256
)

var errCBOR = errors.New("webauthn: malformed CBOR")

// cborMap is a decoded map, its keys int64 or string, in input order.
type cborMap []cborPair

type cborPair struct {
	key any
	val any
}

// get returns the value of key (an int64 or a string) in m.
func (m cborMap) get(key any) (any, bool) {
	if i, ok := key.(int); ok {
		key = int64(i)
	}
	for _, p := range m {
		if p.key == key {
			return p.val, true
		}
	}
	return nil, false
}

// decodeCBOR decodes one data item from b and returns it with the bytes
// after it. Values are int64, []byte, string, []any, cborMap, bool or nil.
func decodeCBOR(b []byte) (any, []byte, error) {
	return decodeItem(b, 0)
}

func decodeItem(b []byte, depth int) (any, []byte, error) {
	if depth > maxDepth {
		return nil, nil, errors.New("webauthn: CBOR nested too deeply")
	}
	if len(b) == 0 {
		return nil, nil, errCBOR
	}
	major, info := b[0]>>5, b[0]&0x1f
	b = b[1:]
	if major == 7 {
		switch info {
		case 20:
			return false, b, nil
		case 21:
			return true, b, nil
		case 22:
			return nil, b, nil
		}
		return nil, nil, errors.New("webauthn: unsupported CBOR simple value or float")
	}
	n, b, err := readArg(info, b)
	if err != nil {
		return nil, nil, err
	}
	switch major {
	case 0:
		if n > math.MaxInt64 {
			return nil, nil, errors.New("webauthn: CBOR integer out of range")
		}
		return int64(n), b, nil
	case 1:
		if n > math.MaxInt64 {
			return nil, nil, errors.New("webauthn: CBOR integer out of range")
		}
		return -1 - int64(n), b, nil
	case 2, 3:
		if n > uint64(len(b)) {
			return nil, nil, errCBOR
		}
		s := b[:n:n]
		if major == 3 {
			return string(s), b[n:], nil
		}
		return append([]byte(nil), s...), b[n:], nil
	case 4:
		// Each element takes at least one byte.
		if n > uint64(len(b)) || n > maxItems {
			return nil, nil, errCBOR
		}
		out := make([]any, 0, n)
		for range n {
			var v any
			if v, b, err = decodeItem(b, depth+1); err != nil {
				return nil, nil, err
			}
			out = append(out, v)
		}
		return out, b, nil
	case 5:
		if n > uint64(len(b))/2 || n > maxItems {
			return nil, nil, errCBOR
		}
		out := make(cborMap, 0, n)
		for range n {
			var k, v any
			if k, b, err = decodeItem(b, depth+1); err != nil {
				return nil, nil, err
			}
			switch k.(type) {
			case int64, string:
			default:
				return nil, nil, errors.New("webauthn: CBOR map key is not an integer or text")
			}
			if _, dup := out.get(k); dup {
				return nil, nil, errors.New("webauthn: CBOR map has a duplicate key")
			}
			if v, b, err = decodeItem(b, depth+1); err != nil {
				return nil, nil, err
			}
			out = append(out, cborPair{k, v})
		}
		return out, b, nil
	}
	// Major type 6: tags.
	return nil, nil, errors.New("webauthn: CBOR tags are not supported")
}

// readArg reads a head's argument: info itself below 24, else the 1, 2,
// 4 or 8 bytes that follow. Indefinite lengths (31) are refused.
func readArg(info byte, b []byte) (uint64, []byte, error) {
	size := 0
	switch {
	case info < 24:
		return uint64(info), b, nil
	case info == 24:
		size = 1
	case info == 25:
		size = 2
	case info == 26:
		size = 4
	case info == 27:
		size = 8
	default:
		return 0, nil, errors.New("webauthn: indefinite or reserved CBOR length")
	}
	if len(b) < size {
		return 0, nil, errCBOR
	}
	var n uint64
	switch size {
	case 1:
		n = uint64(b[0])
	case 2:
		n = uint64(binary.BigEndian.Uint16(b))
	case 4:
		n = uint64(binary.BigEndian.Uint32(b))
	case 8:
		n = binary.BigEndian.Uint64(b)
	}
	return n, b[size:], nil
}
