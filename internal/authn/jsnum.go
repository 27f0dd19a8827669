package authn

import (
	"math"
	"strconv"
	"strings"
)

// jsParseInt mimics Number.parseInt(s) || 0 for cookie values: leading
// white space, an optional sign, a "0x" prefix for hexadecimal, then as many
// digits as follow. NaN and zero both become 0.
func jsParseInt(s string) float64 {
	s = strings.TrimLeft(s, " \t\n\r\v\f\u00a0\ufeff")
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	base := 10
	if len(s) >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		base, s = 16, s[2:]
	}
	var v float64
	n := 0
	for ; n < len(s); n++ {
		d := digitVal(s[n])
		if d < 0 || d >= base {
			break
		}
		v = v*float64(base) + float64(d)
	}
	if n == 0 {
		return 0
	}
	if neg {
		v = -v
	}
	return v
}

func digitVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10
	}
	return -1
}

// jsNumber mimics Number(s) || 0.
func jsNumber(s string) float64 {
	s = strings.Trim(s, " \t\n\r\v\f\u00a0\ufeff")
	if s == "" {
		return 0
	}
	if len(s) > 2 && s[0] == '0' {
		base := 0
		switch s[1] {
		case 'x', 'X':
			base = 16
		case 'o', 'O':
			base = 8
		case 'b', 'B':
			base = 2
		}
		if base != 0 {
			v, err := strconv.ParseUint(s[2:], base, 64)
			if err != nil {
				return 0
			}
			return float64(v)
		}
	}
	switch s {
	case "Infinity", "+Infinity":
		return math.Inf(1)
	case "-Infinity":
		return math.Inf(-1)
	}
	if strings.ContainsAny(s, "_xXpP") || strings.EqualFold(s, "inf") || strings.EqualFold(s, "nan") ||
		strings.EqualFold(strings.TrimLeft(s, "+-"), "infinity") || strings.EqualFold(strings.TrimLeft(s, "+-"), "inf") {
		return 0
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) {
		return 0
	}
	return v
}

// jsString formats a number as JavaScript's Number#toString does for the
// values we print (integers and ordinary decimals).
func jsString(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e21 {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}
