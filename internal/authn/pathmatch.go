package authn

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// PathMatcher matches request paths against a list of patterns in the
// path-to-regexp 6.x language the Clerk SDKs document for
// organizationSyncOptions: "/orgs/:slug", "/orgs/:id/(.*)", "{/optional}?",
// custom parameter patterns and modifiers. Matching is case-insensitive and
// tolerates one trailing delimiter, as path-to-regexp's defaults are.
type PathMatcher struct {
	re   *regexp.Regexp
	keys []string // group index-1 → parameter name
}

// CompilePatterns builds one matcher for all patterns (they are tried as
// alternatives). An empty list yields nil.
func CompilePatterns(patterns []string) (*PathMatcher, error) {
	if len(patterns) == 0 {
		return nil, nil
	}
	var alts []string
	var keys []string
	for _, p := range patterns {
		src, k, err := compilePattern(p)
		if err != nil {
			return nil, fmt.Errorf("invalid pattern %q: %w", p, err)
		}
		alts = append(alts, src)
		keys = append(keys, k...)
	}
	re, err := regexp.Compile("(?i)(?:" + strings.Join(alts, "|") + ")")
	if err != nil {
		return nil, fmt.Errorf("invalid patterns: %w", err)
	}
	return &PathMatcher{re: re, keys: keys}, nil
}

// Match returns the parameters of the first matching alternative.
func (m *PathMatcher) Match(path string) (map[string]string, bool) {
	if m == nil {
		return nil, false
	}
	idx := m.re.FindStringSubmatchIndex(path)
	if idx == nil {
		return nil, false
	}
	params := map[string]string{}
	for g := 1; g*2 < len(idx) && g-1 < len(m.keys); g++ {
		if idx[2*g] < 0 {
			continue
		}
		params[m.keys[g-1]] = path[idx[2*g]:idx[2*g+1]]
	}
	return params, true
}

type tokKind int

const (
	tkChar tokKind = iota
	tkEscaped
	tkName
	tkPattern
	tkModifier
	tkOpen
	tkClose
	tkEnd
)

type lexTok struct {
	kind  tokKind
	value string
}

func lexPattern(s string) ([]lexTok, error) {
	var out []lexTok
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '*' || c == '+' || c == '?':
			out = append(out, lexTok{tkModifier, string(c)})
			i++
		case c == '\\':
			if i+1 >= len(s) {
				return nil, fmt.Errorf("trailing backslash")
			}
			out = append(out, lexTok{tkEscaped, s[i+1 : i+2]})
			i += 2
		case c == '{':
			out = append(out, lexTok{tkOpen, "{"})
			i++
		case c == '}':
			out = append(out, lexTok{tkClose, "}"})
			i++
		case c == ':':
			j := i + 1
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z' || s[j] == '_') {
				j++
			}
			if j == i+1 {
				return nil, fmt.Errorf("missing parameter name at %d", i)
			}
			out = append(out, lexTok{tkName, s[i+1 : j]})
			i = j
		case c == '(':
			depth, j := 1, i+1
			if j < len(s) && s[j] == '?' {
				return nil, fmt.Errorf("pattern cannot start with \"?\" at %d", j)
			}
			var pat strings.Builder
			for j < len(s) {
				if s[j] == '\\' && j+1 < len(s) {
					pat.WriteString(s[j : j+2])
					j += 2
					continue
				}
				if s[j] == ')' {
					depth--
					if depth == 0 {
						j++
						break
					}
				} else if s[j] == '(' {
					depth++
					if j+1 >= len(s) || s[j+1] != '?' {
						return nil, fmt.Errorf("capturing groups are not allowed at %d", j)
					}
				}
				pat.WriteByte(s[j])
				j++
			}
			if depth != 0 {
				return nil, fmt.Errorf("unbalanced pattern at %d", i)
			}
			if pat.Len() == 0 {
				return nil, fmt.Errorf("missing pattern at %d", i)
			}
			out = append(out, lexTok{tkPattern, pat.String()})
			i = j
		default:
			out = append(out, lexTok{tkChar, string(c)})
			i++
		}
	}
	return append(out, lexTok{kind: tkEnd}), nil
}

const defaultParamPattern = `[^/#?]+?`

// compilePattern turns one pattern into an anchored regexp source and the
// names of its groups.
func compilePattern(p string) (string, []string, error) {
	toks, err := lexPattern(p)
	if err != nil {
		return "", nil, err
	}
	var re strings.Builder
	var keys []string
	re.WriteString("^")
	pos, unnamed := 0, 0
	try := func(k tokKind) (string, bool) {
		if toks[pos].kind == k {
			pos++
			return toks[pos-1].value, true
		}
		return "", false
	}
	consumeText := func() string {
		var b strings.Builder
		for {
			if v, ok := try(tkChar); ok {
				b.WriteString(v)
				continue
			}
			if v, ok := try(tkEscaped); ok {
				b.WriteString(v)
				continue
			}
			return b.String()
		}
	}
	emit := func(prefix, name, pattern, suffix, modifier string) error {
		if name == "" && pattern == "" {
			re.WriteString("(?:" + regexp.QuoteMeta(prefix) + regexp.QuoteMeta(suffix) + ")" + modifier)
			return nil
		}
		if name == "" {
			name = strconv.Itoa(unnamed)
			unnamed++
		}
		if pattern == "" {
			pattern = defaultParamPattern
		}
		keys = append(keys, name)
		pre, suf := regexp.QuoteMeta(prefix), regexp.QuoteMeta(suffix)
		switch {
		case pre != "" || suf != "":
			if modifier == "+" || modifier == "*" {
				opt := ""
				if modifier == "*" {
					opt = "?"
				}
				re.WriteString("(?:" + pre + "((?:" + pattern + ")(?:" + suf + pre + "(?:" + pattern + "))*)" + suf + ")" + opt)
			} else {
				re.WriteString("(?:" + pre + "(" + pattern + ")" + suf + ")" + modifier)
			}
		default:
			if modifier == "+" || modifier == "*" {
				return fmt.Errorf("cannot repeat %q without a prefix and suffix", name)
			}
			re.WriteString("(" + pattern + ")" + modifier)
		}
		return nil
	}
	path := ""
	for pos < len(toks) && toks[pos].kind != tkEnd {
		c, isChar := try(tkChar)
		name, isName := try(tkName)
		pattern, isPattern := try(tkPattern)
		if isName || isPattern {
			prefix := c
			if !strings.Contains("./", prefix) || prefix == "" {
				path += prefix
				prefix = ""
			}
			if path != "" {
				re.WriteString(regexp.QuoteMeta(path))
				path = ""
			}
			if isName && !isPattern {
				pattern, _ = try(tkPattern)
			}
			mod, _ := try(tkModifier)
			if err := emit(prefix, name, pattern, "", mod); err != nil {
				return "", nil, err
			}
			continue
		}
		if isChar {
			path += c
			continue
		}
		if v, ok := try(tkEscaped); ok {
			path += v
			continue
		}
		if path != "" {
			re.WriteString(regexp.QuoteMeta(path))
			path = ""
		}
		if _, ok := try(tkOpen); ok {
			prefix := consumeText()
			gname, _ := try(tkName)
			gpat, _ := try(tkPattern)
			suffix := consumeText()
			if _, ok := try(tkClose); !ok {
				return "", nil, fmt.Errorf("expected \"}\"")
			}
			mod, _ := try(tkModifier)
			if err := emit(prefix, gname, gpat, suffix, mod); err != nil {
				return "", nil, err
			}
			continue
		}
		return "", nil, fmt.Errorf("unexpected %q", toks[pos].value)
	}
	if path != "" {
		re.WriteString(regexp.QuoteMeta(path))
	}
	re.WriteString(`[/#?]?$`)
	return re.String(), keys, nil
}
