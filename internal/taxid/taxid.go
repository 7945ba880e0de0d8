// Package taxid checks Brazilian tax numbers: the CPF of a person (11
// digits) and the CNPJ of a company, numeric or alphanumeric.
//
// Since July 2026 the Receita Federal issues alphanumeric CNPJs (IN RFB
// 2.229/2024): 12 characters, each a digit or an upper-case letter A-Z,
// then 2 numeric check digits. The check digits are computed as for the
// numeric CNPJ, modulo 11 with the weights 5,4,3,2,9,8,7,6,5,4,3,2 (then
// 6,5,4,3,2,9,8,7,6,5,4,3,2 with the first check digit), each character
// counting for its ASCII code minus 48: '0'-'9' are 0-9 as before, 'A' is
// 17, 'Z' is 42. A numeric CNPJ is therefore checked exactly as it always
// was.
package taxid

import "strings"

// Lengths of the tax numbers, punctuation removed.
const (
	CPFLen  = 11
	CNPJLen = 14
)

// Clean removes the punctuation of a formatted number ('.', '-', '/' and
// spaces) and upper-cases ASCII letters: "12.abc.345/01de-35" gives
// "12ABC34501DE35". ok is false when v holds anything else (a letter only
// when letters is true); the cleaned text says nothing then.
func Clean(v string, letters bool) (clean string, ok bool) {
	var b strings.Builder
	b.Grow(len(v))
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c >= '0' && c <= '9':
			b.WriteByte(c)
		case letters && c >= 'A' && c <= 'Z':
			b.WriteByte(c)
		case letters && c >= 'a' && c <= 'z':
			b.WriteByte(c - 'a' + 'A')
		case c == '.' || c == '-' || c == '/' || c == ' ':
		default:
			return "", false
		}
	}
	return b.String(), true
}

// HasLetters reports whether s holds an ASCII letter.
func HasLetters(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return (r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z') }) >= 0
}

// CNPJCheckDigits returns the two check digits of the 12-character base of
// a CNPJ (digits and upper-case letters), or false when base is not such a
// base.
func CNPJCheckDigits(base string) (string, bool) {
	if len(base) != 12 {
		return "", false
	}
	for i := 0; i < len(base); i++ {
		if c := base[i]; !(c >= '0' && c <= '9') && !(c >= 'A' && c <= 'Z') {
			return "", false
		}
	}
	d1 := checkDigit(base, []int{5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2})
	d2 := checkDigit(base+string(d1), []int{6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2})
	return string([]byte{d1, d2}), true
}

func checkDigit(s string, weights []int) byte {
	sum := 0
	for i, w := range weights {
		sum += int(s[i]-'0') * w
	}
	if r := sum % 11; r >= 2 {
		return byte('0' + 11 - r)
	}
	return '0'
}

// ValidCNPJ reports whether s, cleaned (no punctuation, upper case), is a
// CNPJ: 12 digits or letters, then the 2 check digits they give. A
// numeric CNPJ of one repeated digit (00000000000000) is refused, as the
// Receita does.
func ValidCNPJ(s string) bool {
	if len(s) != CNPJLen {
		return false
	}
	if strings.Count(s, s[:1]) == CNPJLen {
		return false
	}
	dv, ok := CNPJCheckDigits(s[:12])
	return ok && s[12:] == dv
}

// ValidCPFLength reports whether s, cleaned, is 11 digits (the SDK checks
// a CPF's length and digits, and leaves its check digits to Pluggy).
func ValidCPFLength(s string) bool {
	if len(s) != CPFLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
