package skillcert

import (
	"strings"
	"unicode"
)

// NormalizeEmployer is the form in which two employer names are compared for the committee's conflict of
// interest: Unicode spaces trimmed and folded away (Chinese names carry no meaningful spaces; Latin words
// keep one space between them), full-width letters and digits made half-width, Latin letters lower case,
// and trailing parenthesised suffixes removed — campus or branch names such as 内蒙古大学（南校区） or
// 包头医学院 (东河校区) name the same employer. When employers become IDs, the comparison moves to the IDs.
func NormalizeEmployer(name string) string {
	s := strings.Map(func(r rune) rune {
		switch {
		case r >= '！' && r <= '～': // full-width ASCII variants
			r = r - '！' + '!'
		case r == '\u3000':
			r = ' '
		}
		return unicode.ToLower(r)
	}, name)
	s = foldSpaces(s)
	for {
		t := strings.TrimSpace(s)
		if !strings.HasSuffix(t, ")") {
			s = t
			break
		}
		open := matchingOpen(t)
		if open <= 0 { // no opening parenthesis, or the whole name is parenthesised
			s = t
			break
		}
		s = t[:open]
	}
	return s
}

// foldSpaces removes white space between non-Latin characters and folds runs of it elsewhere to one space.
func foldSpaces(s string) string {
	var b strings.Builder
	pendingSpace := false
	var last rune
	for _, r := range s {
		if unicode.IsSpace(r) || r == '\u00a0' {
			pendingSpace = b.Len() > 0
			continue
		}
		if pendingSpace && latin(last) && latin(r) {
			b.WriteByte(' ')
		}
		pendingSpace = false
		b.WriteRune(r)
		last = r
	}
	return b.String()
}

func latin(r rune) bool { return r < 0x2E80 && (unicode.IsLetter(r) || unicode.IsDigit(r)) }

// matchingOpen returns the byte index of the '(' that closes with the final ')' of s, or -1.
func matchingOpen(s string) int {
	depth := 0
	for i := len(s) - 1; i >= 0; i-- {
		switch s[i] {
		case ')':
			depth++
		case '(':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// SameEmployer reports whether two employer names denote the same employer (NormalizeEmployer); an empty
// name matches nothing.
func SameEmployer(a, b string) bool {
	na, nb := NormalizeEmployer(a), NormalizeEmployer(b)
	return na != "" && na == nb
}
