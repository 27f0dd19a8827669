package main

import (
	"encoding/base64"
	"fmt"
	"strings"
)

// decodeKeyHost decodes the Frontend API host from a publishable key's
// base64 part ("<host>$").
func decodeKeyHost(encoded string) (string, error) {
	b, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(encoded, "="))
	if err != nil || !strings.HasSuffix(string(b), "$") {
		return "", fmt.Errorf("CLERK_PUBLISHABLE_KEY does not encode a Frontend API host")
	}
	return strings.TrimSuffix(string(b), "$"), nil
}
