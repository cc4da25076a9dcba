package badgerstub

import (
	"encoding/binary"
	"fmt"
	"unicode/utf8"
)

// Badger key prefixes. Every key is built in a fresh slice.
const (
	prefixState      = "s/"
	prefixValidation = "v/"
	prefixPrivate    = "p/"
	prefixHistory    = "h/"
	prefixTx         = "t/"
	prefixTxID       = "x/"
	keyHeight        = "m/height"
)

func stateKey(key string) []byte { return join(prefixState, key) }

func validationKey(key string) []byte { return join(prefixValidation, key) }

func privateKey(collection, key string) []byte {
	return join(prefixPrivate, lengthPrefixed(collection), key)
}

func privatePrefix(collection string) []byte { return join(prefixPrivate, lengthPrefixed(collection)) }

// historyPrefix is unambiguous: the key's length comes before the key, so
// no key's history prefix is a prefix of another's.
func historyPrefix(key string) []byte { return join(prefixHistory, lengthPrefixed(key)) }

func historyKey(key string, number uint64) []byte {
	return join(prefixHistory, lengthPrefixed(key), string(uint64Bytes(number)))
}

func txKey(number uint64) []byte { return join(prefixTx, string(uint64Bytes(number))) }

func txIDKey(txID string) []byte { return join(prefixTxID, txID) }

func lengthPrefixed(s string) string {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(s)))
	return string(n[:]) + s
}

func uint64Bytes(n uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, n)
	return b
}

func join(parts ...string) []byte {
	size := 0
	for _, p := range parts {
		size += len(p)
	}
	b := make([]byte, 0, size)
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

// Composite keys use Fabric's encoding, so chaincode sees the same keys on
// both backends.
const (
	compositeNamespace = "\x00"
	minRune            = "\x00"
	maxRune            = string(utf8.MaxRune)
	emptyKeySubstitute = "\x01"
)

func createCompositeKey(objectType string, attributes []string) (string, error) {
	if err := validateCompositeAttribute(objectType); err != nil {
		return "", err
	}
	ck := compositeNamespace + objectType + minRune
	for _, a := range attributes {
		if err := validateCompositeAttribute(a); err != nil {
			return "", err
		}
		ck += a + minRune
	}
	return ck, nil
}

func splitCompositeKey(key string) (string, []string, error) {
	var parts []string
	start := 1
	for i := 1; i < len(key); i++ {
		if key[i] == 0 {
			parts = append(parts, key[start:i])
			start = i + 1
		}
	}
	if len(parts) == 0 {
		return "", nil, fmt.Errorf("%q is not a composite key", key)
	}
	return parts[0], parts[1:], nil
}

func validateCompositeAttribute(s string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("not a valid utf8 string: [%x]", s)
	}
	for i, r := range s {
		if r == 0 || r == utf8.MaxRune {
			return fmt.Errorf("input contains unicode %#U starting at position [%d]: not allowed in a composite key attribute", r, i)
		}
	}
	return nil
}

func validateSimpleKey(key string) error {
	if len(key) > 0 && key[0] == 0 {
		return fmt.Errorf("first character of the key [%s] contains a null character which is not allowed", key)
	}
	return nil
}
